package chat.orchestrator.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several instances keep docs/design.md's invariants 1 to 3: two real server processes (separate JVMs started from this
 * test's classpath) share one Redis and one PostgreSQL. Pancake delivers every message twice, each time to a random
 * instance, with small random delays; at the end every message was answered exactly once and every stored answer was
 * delivered once.
 */
class MultiInstanceProcessesTest {
    static final int CONVERSATIONS = 20;
    static final int MESSAGES = 300;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoProcessesShareOneRedisAndOnePostgres_andEveryMessageIsAnsweredExactlyOnce() throws Exception {
        try (RealStores stores = new RealStores()) {
            String database = stores.createDatabase("multi_instance");
            List<ServerProcess> instances = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    instances.add(ServerProcess.start(stores.environment(database, RealStores.freePort()), "instance-" + i));
                }
                for (ServerProcess instance : instances) {
                    instance.awaitReady();
                }

                List<String> webhooks = webhooks();
                deliverTwiceAtRandom(webhooks, instances);
                awaitAllAnsweredAndDelivered(stores, database);
                // SIGTERM returns once each process has exited, its workers and sends finished: a late second
                // delivery would be among the callbacks now.
                instances.forEach(ServerProcess::stop);

                try (Connection connection = stores.connect(database)) {
                    assertEquals(MESSAGES, count(connection, "SELECT count(*) FROM messages"));
                    assertEveryAnswerDeliveredOnce(stores, connection, instances);
                }
            } finally {
                instances.forEach(ServerProcess::stop);
            }
        }
    }

    /** {@code MESSAGES} webhook bodies from the fixture over {@code CONVERSATIONS} conversations. */
    static List<String> webhooks() throws IOException {
        String template = Fixtures.text("pancake-webhook-message.json");
        List<String> webhooks = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            webhooks.add(template
                    .replace("105230123456789_6029384756102938", "105230123456789_conv" + (i % CONVERSATIONS))
                    .replace("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP", "m_" + i)
                    .replace("2026-11-25T09:41:27", "2026-11-25T09:41:27." + String.format("%03d", i % 1000)));
        }
        return webhooks;
    }

    private void deliverTwiceAtRandom(List<String> webhooks, List<ServerProcess> instances) throws Exception {
        List<String> deliveries = new ArrayList<>(webhooks);
        deliveries.addAll(webhooks);
        Collections.shuffle(deliveries);
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (String body : deliveries) {
                statuses.add(pool.submit(() -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(0, 5));
                    ServerProcess to = instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
                    return client.send(HttpRequest.newBuilder(URI.create(to.base() + "/api/v1/pancake/webhook"))
                            .header("Authorization", "Bearer message-token").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get(60, TimeUnit.SECONDS), "the webhook never fails on a duplicate");
            }
        }
    }

    /**
     * Every message answered, and every stored answer delivered under its own key; a key seen twice must carry the
     * same bytes and be a repeat the design allows (below). Call it after the instances stopped.
     */
    static void assertEveryAnswerDeliveredOnce(RealStores stores, Connection connection, List<ServerProcess> instances)
            throws Exception {
        assertEquals(0, count(connection, "SELECT count(*) FROM messages WHERE answered_by IS NULL"),
                "every message was answered");
        int sentRuns = count(connection, "SELECT count(*) FROM ai_runs WHERE outcome = 'sent'");
        Map<String, String> bodyOfKey = new HashMap<>();
        for (RealStores.Callback callback : stores.callbacks) {
            String first = bodyOfKey.putIfAbsent(callback.idempotencyKey(), callback.body());
            if (first != null) {
                assertEquals(first, callback.body(), "a repeat carries the same bytes");
                assertTrue(attemptWentUnrecorded(instances, callback.idempotencyKey()),
                        "delivery " + callback.idempotencyKey() + " was repeated with no unrecorded attempt");
            }
        }
        assertEquals(sentRuns, bodyOfKey.size(), "every stored answer was delivered");
    }

    /**
     * The repeat the design allows (one idempotency key per delivery, same bytes): Pancake took the answer but its
     * attempt was not recorded, because the store failed (a loaded machine starves the connection pool) or the claim
     * ran out during a slow send, so the answer stayed due and went again. Each instance logs that; any other repeat
     * is a second delivery.
     */
    private static boolean attemptWentUnrecorded(List<ServerProcess> instances, String runId) throws IOException {
        for (ServerProcess instance : instances) {
            try (var lines = Files.lines(instance.log())) {
                if (lines.anyMatch(line -> line.contains(runId) && (line.contains("could not record a delivery attempt")
                        || line.contains("claim ran out")))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Deliveries happen right after the answer is stored: waits until no answer is left in the outbox too. */
    static void awaitAllAnsweredAndDelivered(RealStores stores, String database) {
        await("every message answered and every answer delivered").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    try (Connection connection = stores.connect(database)) {
                        return count(connection, "SELECT count(*) FROM messages WHERE answered_by IS NULL") == 0
                                && count(connection, "SELECT count(*) FROM deliveries WHERE status <> 'delivered'") == 0
                                && stores.callbacks.stream().map(RealStores.Callback::idempotencyKey).distinct().count()
                                        >= count(connection, "SELECT count(*) FROM ai_runs WHERE outcome = 'sent'");
                    }
                });
    }

    static int count(Connection connection, String query) throws Exception {
        try (ResultSet result = connection.createStatement().executeQuery(query)) {
            result.next();
            return result.getInt(1);
        }
    }
}
