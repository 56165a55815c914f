package chat.orchestrator.app.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.app.Fixtures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fault suite (docs/reliability.md): a real Redis and PostgreSQL, three app-server processes, a stub AI and a stub
 * Pancake that records every call; customers in bursts over many conversations through the webhook and the
 * synchronous endpoint, with the platform re-sending a share of messages to other instances; and, one after another
 * while that traffic runs, the faults of {@link FaultPhases}. Then, from Pancake's records and the database: every
 * accepted message is covered by exactly one answer Pancake took, no stale answer was taken, each conversation's
 * answers reached Pancake in commit order, and all of it within a bound after the last fault.
 */
class FaultSuiteIT {
    static final String DATABASE = "faults";
    private static final int INSTANCES = 3;
    /** No progress for this long after the faults: what is still owed is not coming (sweeps run every 2 to 15 s). */
    private static final Duration STALL = Duration.ofSeconds(45);

    @Test
    void underEveryFault_eachAcceptedMessageGetsExactlyOneDeliveredAnswer_inOrder_andTheSystemQuiesces() throws Exception {
        Instant began = Instant.now();
        FaultScale scale = FaultScale.fromSystemProperties();
        Path dir = freshDirectory(Path.of("target", "faults"));
        Timeline timeline = new Timeline();
        Timeline.log("fault suite, scale " + scale.name() + ", " + scale.conversations() + " conversations; logs in "
                + dir.toAbsolutePath());
        String answer = Fixtures.text("openai-response-json.json");
        String webhook = Fixtures.text("pancake-webhook-message.json");
        try (RedisProcess redis = new RedisProcess(freePort(), dir.resolve("redis.log"));
             PostgresProcess postgres = new PostgresProcess(dir.resolve("pgdata"), freePort());
             StubAi ai = new StubAi(answer);
             StubPancake pancake = new StubPancake(timeline)) {
            postgres.createDatabase(DATABASE);
            List<Map<String, String>> environments = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                environments.add(environment(i, freePort(), redis.port(), postgres.port(), ai.port(), pancake.port()));
            }
            try (ServerInstances instances = new ServerInstances(environments, dir);
                 Traffic traffic = new Traffic(instances, timeline, scale, webhook)) {
                instances.startAll();
                // A phase of its own for the first messages, so that every message belongs to one.
                timeline.begin("start", "none: traffic starting");
                traffic.start();
                timeline.end();
                new FaultPhases(scale, timeline, instances, redis, postgres, pancake, ai, traffic).runAll();

                timeline.begin("after", "none: no new messages; waiting for every answer");
                Instant faultsOver = timeline.lastFaultEnd().orElse(Instant.now());
                traffic.stopNewMessages();
                traffic.awaitDrained(scale.quiesceBound());
                Optional<Duration> quiesce = awaitQuiescence(postgres, pancake, traffic, faultsOver, scale.quiesceBound());
                timeline.end();

                FaultReport report;
                try (Connection connection = postgres.connect(DATABASE)) {
                    report = new FaultReport(DeliveryAudit.read(connection, pancake.calls()), traffic.messages(),
                            timeline.phases(), pancake.calls(), traffic.refusalsByPhase(), instances.allLogs());
                }
                String table = report.table(quiesce, scale.quiesceBound(), Duration.between(began, Instant.now()));
                Files.writeString(dir.resolve("report.txt"), table);
                System.out.println(System.lineSeparator() + "Fault suite (" + scale.name() + "):"
                        + System.lineSeparator() + table);

                assertTrue(report.messages > 0 && !pancake.calls().isEmpty(), "the suite sent and delivered nothing");
                assertTrue(report.clean() && quiesce.isPresent(), "the fault suite found lost, doubled, stale or"
                        + " out-of-order answers, or no quiescence (report in " + dir.resolve("report.txt") + "):"
                        + System.lineSeparator() + table);
            }
        }
    }

    /**
     * Polls until nothing is owed (every recorded message answered, every sent answer taken by Pancake, every 2xx
     * recorded), answering how long after {@code faultsOver} that was; empty if not within {@code bound}, or if
     * nothing moved for {@link #STALL}.
     */
    static Optional<Duration> awaitQuiescence(PostgresProcess postgres, StubPancake pancake, Traffic traffic,
                                              Instant faultsOver, Duration bound) throws Exception {
        Instant deadline = faultsOver.plus(bound);
        int lastOwed = Integer.MAX_VALUE;
        Instant lastProgress = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            int owed;
            try (Connection connection = postgres.connect(DATABASE)) {
                owed = DeliveryAudit.read(connection, pancake.calls()).outstanding(traffic.messages());
            }
            if (owed == 0) {
                return Optional.of(Duration.between(faultsOver, Instant.now()));
            }
            if (owed < lastOwed) {
                lastOwed = owed;
                lastProgress = Instant.now();
            } else if (Duration.between(lastProgress, Instant.now()).compareTo(STALL) > 0) {
                Timeline.log("still owed " + owed + " answer(s), no progress for " + STALL.toSeconds() + " s: giving up");
                return Optional.empty();
            }
            Thread.sleep(1_000);
        }
        return Optional.empty();
    }

    static Map<String, String> environment(int instance, int apiPort, int redisPort, int postgresPort, int aiPort,
                                           int pancakePort) {
        Map<String, String> env = new HashMap<>();
        env.put("API_HOST", "127.0.0.1");
        env.put("API_PORT", Integer.toString(apiPort));
        env.put("PANCAKE_ACCESS_TOKEN", "message-token");
        env.put("ADMIN_ACCESS_TOKEN", "admin-token");
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/0");
        env.put("DATABASE_URL", "postgres://postgres@localhost:" + postgresPort + "/" + DATABASE + "?sslmode=disable");
        env.put("POSTGRES_CONNECTION_TIMEOUT_MS", "3000");
        // Each instance under its own path, so the stubs know who called.
        env.put("AI_SERVICE_URL", "http://127.0.0.1:" + aiPort + "/i" + instance + "/v1");
        env.put("AI_MODEL", "qwen2.5-7b-instruct");
        env.put("PANCAKE_BASE_URL", "http://127.0.0.1:" + pancakePort + "/i" + instance);
        env.put("CONSOLIDATION_WINDOW_MS", "300");
        env.put("PROCESSING_LOCK_TTL", Long.toString(FaultScale.LOCK_TTL.toSeconds()));
        // Read by the outbox dispatcher once it exists; an unknown variable is harmless before.
        env.put("PANCAKE_DELIVERY_MAX_AGE", "600");
        env.put("PANCAKE_DELIVERY_MAX_BACKOFF", "5");
        env.put("PANCAKE_TIMEOUT", "2");
        env.put("SWEEP_INTERVAL", "2");
        return env;
    }

    static Path freshDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                old.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
