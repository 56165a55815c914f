package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml's topology with real processes, since no container engine runs here: the distribution's nginx
 * with deploy/nginx.conf (only ports and file locations substituted) in front of three server processes on one
 * Redis and one PostgreSQL. Messages sent through nginx are each answered exactly once. Skipped when nginx is not
 * installed, unless {@code REQUIRE_NGINX_TESTS=1} (set by .ci/run), where a missing nginx fails.
 */
class NginxTopologyTest {
    private static final int INSTANCES = 3;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void threeInstancesBehindNginx_answerEveryMessageSentThroughItExactlyOnce() throws Exception {
        Path nginx = nginxBinary();
        try (RealStores stores = new RealStores()) {
            String database = stores.createDatabase("behind_nginx");
            List<ServerProcess> instances = new ArrayList<>();
            Process proxy = null;
            try {
                for (int i = 0; i < INSTANCES; i++) {
                    instances.add(ServerProcess.start(stores.environment(database, RealStores.freePort()), "nginx-app-" + (i + 1)));
                }
                for (ServerProcess instance : instances) {
                    instance.awaitReady();
                }
                int port = RealStores.freePort();
                Path dir = Files.createTempDirectory("nginx-topology");
                proxy = startNginx(nginx, dir, port, instances);
                String base = "http://127.0.0.1:" + port;
                awaitReadyThrough(base, proxy, dir);

                sendWebhooksTwice(base);
                assertSyncAnswered(base);
                assertEquals(413, post(base + "/api/v1/enhanced-handle-message", "{\"x\":\"" + "a".repeat(70_000) + "\"}"),
                        "nginx refuses a body over the server's limit");
                MultiInstanceProcessesTest.awaitAllAnsweredAndDelivered(stores, database);
                // Stopped (their workers and sends finished), so a late second delivery would be among the callbacks.
                instances.forEach(ServerProcess::stop);

                try (Connection connection = stores.connect(database)) {
                    int messages = MultiInstanceProcessesTest.MESSAGES + 5;
                    assertEquals(messages, MultiInstanceProcessesTest.count(connection, "SELECT count(*) FROM messages"));
                    MultiInstanceProcessesTest.assertEveryAnswerDeliveredOnce(stores, connection, instances);
                }
            } finally {
                if (proxy != null) {
                    proxy.destroy();
                    proxy.waitFor(10, TimeUnit.SECONDS);
                }
                instances.forEach(ServerProcess::stop);
            }
        }
    }

    private static Path nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx", "/opt/homebrew/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        String message = "nginx is not installed (Debian: apt-get install nginx); the nginx topology test needs it";
        if ("1".equals(System.getenv("REQUIRE_NGINX_TESTS"))) {
            throw new AssertionError(message + ", and REQUIRE_NGINX_TESTS=1");
        }
        Assumptions.abort(message + ": skipped");
        throw new IllegalStateException("unreachable");
    }

    /** deploy/nginx.conf with the instances' and nginx's ports, and its files under {@code dir}. */
    static String configuration(String deployed, Path dir, int port, List<ServerProcess> instances) {
        String config = deployed.replace("listen 80;", "listen 127.0.0.1:" + port + ";");
        for (int i = 0; i < instances.size(); i++) {
            config = config.replace("app-" + (i + 1) + ":8000", instances.get(i).base().substring("http://".length()));
        }
        String files = "pid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log") + " warn;\n"
                + "daemon off;\n";
        String httpFiles = "http {\n    access_log " + dir.resolve("access.log") + ";\n"
                + "    client_body_temp_path " + dir.resolve("body") + ";\n"
                + "    proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "    scgi_temp_path " + dir.resolve("scgi") + ";\n";
        return files + config.replaceFirst("(?m)^http \\{\n", httpFiles);
    }

    private static Process startNginx(Path nginx, Path dir, int port, List<ServerProcess> instances) throws IOException {
        String config = configuration(Files.readString(Path.of("..", "deploy", "nginx.conf")), dir, port, instances);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, config);
        // Run as root (a CI container), nginx's workers drop to an unprivileged user: they must reach the files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    }

    private void awaitReadyThrough(String base, Process proxy, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertTrue(proxy.isAlive(), "nginx stopped: see " + dir.resolve("nginx.out") + " and error.log");
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // nginx is still starting.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nginx never answered: see " + dir);
    }

    /** Every webhook twice (the platform re-sends), concurrently, all through nginx. */
    private void sendWebhooksTwice(String base) throws Exception {
        List<String> deliveries = new ArrayList<>(MultiInstanceProcessesTest.webhooks());
        deliveries.addAll(MultiInstanceProcessesTest.webhooks());
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (String body : deliveries) {
                statuses.add(pool.submit(() -> post(base + "/api/v1/pancake/webhook", body)));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get(60, TimeUnit.SECONDS), "the webhook through nginx");
            }
        }
    }

    /** The synchronous endpoint through nginx: the proxy holds the request while the AI answers. */
    private void assertSyncAnswered(String base) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 5; i++) {
            String body = "{\"conversation_id\":\"conv_nginx_" + i + "\",\"message_id\":\"msg_nginx_" + i + "\","
                    + "\"message_content\":\"Tôi muốn đặt lịch khám bệnh\",\"sender_id\":\"user_123\","
                    + "\"sender_type\":\"user\",\"timestamp\":1699123456.789}";
            HttpResponse<String> response = client.send(request(base + "/api/v1/enhanced-handle-message", body),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("completed", json.readTree(response.body()).get("result").get("status").asText());
        }
    }

    private int post(String url, String body) throws IOException, InterruptedException {
        return client.send(request(url, body), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpRequest request(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer message-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
