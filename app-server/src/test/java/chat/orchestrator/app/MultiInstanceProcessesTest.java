package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SPEC's multi-instance bar: two real server processes (separate JVMs started from this test's classpath) share
 * one Redis and one PostgreSQL. Pancake delivers every message twice, each time to a random instance, with small
 * random delays; at the end every message was answered exactly once and every stored answer was delivered once.
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
                awaitAllAnswered(stores, database);

                try (Connection connection = stores.connect(database)) {
                    assertEquals(MESSAGES, count(connection, "SELECT count(*) FROM messages"));
                    assertEquals(0, count(connection, "SELECT count(*) FROM messages WHERE answered_by IS NULL"),
                            "every message was answered");
                    int sentRuns = count(connection, "SELECT count(*) FROM ai_runs WHERE outcome = 'sent'");
                    Set<String> keys = new HashSet<>();
                    stores.callbacks.forEach(c -> assertTrue(keys.add(c.idempotencyKey()), "a delivery was repeated"));
                    assertEquals(sentRuns, keys.size(), "every stored answer was delivered, once");
                }
            } finally {
                instances.forEach(ServerProcess::stop);
            }
        }
    }

    /** {@code MESSAGES} webhook bodies from the fixture over {@code CONVERSATIONS} conversations. */
    static List<String> webhooks() throws IOException {
        String template = Files.readString(Path.of("..", "..", "shared", "fixtures", "pancake-webhook-message.json"));
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

    static void awaitAllAnswered(RealStores stores, String database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int unanswered = Integer.MAX_VALUE;
        while (unanswered > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            try (Connection connection = stores.connect(database)) {
                unanswered = count(connection, "SELECT count(*) FROM messages WHERE answered_by IS NULL");
            }
        }
        // Deliveries happen right after the answer is stored: give the last ones a moment.
        Thread.sleep(500);
    }

    static int count(Connection connection, String query) throws Exception {
        try (ResultSet result = connection.createStatement().executeQuery(query)) {
            result.next();
            return result.getInt(1);
        }
    }
}
