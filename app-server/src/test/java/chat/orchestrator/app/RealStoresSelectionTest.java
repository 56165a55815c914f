package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.postgres.PostgresAnalytics;
import chat.orchestrator.postgres.PostgresBotProfiles;
import chat.orchestrator.postgres.PostgresHistory;
import chat.orchestrator.redis.RedisJobs;
import chat.orchestrator.redis.RedisLocks;
import chat.orchestrator.redis.RedisState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Redis and PostgreSQL as a deployment configures them, against real servers this class starts (one of each, on
 * free ports) and stops.
 */
class RealStoresSelectionTest {
    private static RedisServer redisServer;
    private static int redisPort;
    private static EmbeddedPostgres postgresServer;

    private final Clock clock = Clock.systemUTC();

    @BeforeAll
    static void startServers() throws IOException {
        redisPort = freePort();
        redisServer = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redisServer.start();
        postgresServer = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stopServers() throws IOException {
        try {
            if (redisServer != null) {
                redisServer.stop();
            }
        } finally {
            if (postgresServer != null) {
                postgresServer.close();
            }
        }
    }

    @Test
    void aConfiguredRedisHoldsLocksStateAndJobs_andReportsItsHealth() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/0",
                "REDIS_KEY_PREFIX", "selection-test"));

        try (SelectedAdapters adapters = AdapterSelection.select(config, clock)) {
            assertTrue(adapters.redis());
            assertInstanceOf(RedisLocks.class, adapters.locks());
            assertInstanceOf(RedisState.class, adapters.state());
            assertInstanceOf(RedisJobs.class, adapters.jobs());
            assertInstanceOf(InMemoryHistory.class, adapters.history());
            assertEquals("redis 127.0.0.1:" + redisPort + " db 0", adapters.inUse().get("state"));
            assertEquals("memory", adapters.inUse().get("history"));
            SelectionChecks.assertLocksAndStateShareOneStore(adapters);
            Job job = Job.queued(SelectionChecks.newConversation(), List.of(), Instant.now());
            adapters.jobs().create(job, Duration.ofMinutes(1));
            assertEquals(job, adapters.jobs().find(job.id()).orElseThrow());

            ComponentHealth redis = onlyComponent(adapters.health());
            assertEquals("redis", redis.component());
            assertTrue(redis.up(), redis.toString());
            assertTrue(Long.parseLong(redis.figures().get("connected_clients")) >= 1, redis.toString());
            assertTrue(Long.parseLong(redis.figures().get("keyspace_hits")) >= 1, redis.toString());
            assertTrue(redis.figures().containsKey("used_memory_human"), redis.toString());
        }
    }

    @Test
    void aConfiguredPostgresHoldsHistoryAndBotProfiles_migratedAtStart_andReportsItsPool() throws SQLException {
        String database = "selection_" + ProcessHandle.current().pid();
        createDatabase(database);
        AppConfig config = AppConfig.fromEnvironment(postgresVariables(database));

        try (SelectedAdapters adapters = AdapterSelection.select(config, clock)) {
            assertFalse(adapters.redis());
            assertInstanceOf(InMemoryLocks.class, adapters.locks());
            assertInstanceOf(PostgresHistory.class, adapters.history());
            assertInstanceOf(PostgresBotProfiles.class, adapters.botProfiles());
            // The latest migration's version, whatever it is: the point is that migrations ran at start.
            assertTrue(adapters.inUse().get("history").matches("postgresql localhost:" + postgresServer.getPort() + "/"
                    + database + " \\(schema version [1-9][0-9]*\\)"), adapters.inUse().get("history"));
            assertEquals(Set.of("conversations", "messages", "ai_runs", "message_actions"),
                    Set.copyOf(tablesAmong(database, List.of("conversations", "messages", "ai_runs", "message_actions"))));
            ConversationId conversation = SelectionChecks.newConversation();
            assertEquals(RecordOutcome.NEW, adapters.history().record(SelectionChecks.message(conversation, "m1", "Xin chào")));
            assertEquals(RecordOutcome.UNANSWERED,
                    adapters.history().record(SelectionChecks.message(conversation, "m1", "Xin chào")));
            assertEquals(BotProfile.DEFAULT.botName(), adapters.botProfiles().current().botName());
            assertInstanceOf(PostgresAnalytics.class, adapters.analytics());
            SelectionChecks.assertAnalyticsReadTheHistory(adapters, clock);

            assertEquals(List.of("memory", "postgres"),
                    adapters.health().stream().map(HealthPort::check).map(ComponentHealth::component).toList());
            ComponentHealth postgres = adapters.health().get(1).check();
            assertTrue(postgres.up(), postgres.toString());
            assertEquals(Set.of("active", "idle", "total", "threads_awaiting"), postgres.figures().keySet());
            assertTrue(Integer.parseInt(postgres.figures().get("total")) >= 1, postgres.toString());
        }
    }

    @Test
    void bothStoresTogether_areClosedWithTheSelection() {
        String database = "selection_both_" + ProcessHandle.current().pid();
        createDatabase(database);
        Map<String, String> variables = new HashMap<>(postgresVariables(database));
        variables.put("REDIS_HOST", "127.0.0.1");
        variables.put("REDIS_PORT", Integer.toString(redisPort));
        variables.put("REDIS_RETRY_ATTEMPTS", "1");

        SelectedAdapters adapters = AdapterSelection.select(AppConfig.fromEnvironment(variables), clock);
        List<HealthPort> health = adapters.health();
        assertEquals(List.of(true, true), health.stream().map(probe -> probe.check().up()).toList());

        adapters.close();

        List<ComponentHealth> afterClose = health.stream().map(HealthPort::check).toList();
        assertEquals(List.of("redis", "postgres"), afterClose.stream().map(ComponentHealth::component).toList());
        assertEquals(List.of(false, false), afterClose.stream().map(ComponentHealth::up).toList(), afterClose.toString());
    }

    private static Map<String, String> postgresVariables(String database) {
        return Map.of("POSTGRES_HOST", "localhost", "POSTGRES_PORT", Integer.toString(postgresServer.getPort()),
                "POSTGRES_DB", database, "POSTGRES_USER", "postgres", "POSTGRES_SSL_MODE", "disable",
                "POSTGRES_POOL_SIZE", "4");
    }

    private static void createDatabase(String name) {
        try (Connection connection = postgresServer.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + name, e);
        }
    }

    private static List<String> tablesAmong(String database, List<String> wanted) throws SQLException {
        try (Connection connection = postgresServer.getDatabase("postgres", database).getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, "public", null, new String[] {"TABLE"})) {
            List<String> found = new java.util.ArrayList<>();
            while (tables.next()) {
                if (wanted.contains(tables.getString("TABLE_NAME"))) {
                    found.add(tables.getString("TABLE_NAME"));
                }
            }
            return found;
        }
    }

    private static ComponentHealth onlyComponent(List<HealthPort> health) {
        assertEquals(1, health.size());
        return health.getFirst().check();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
