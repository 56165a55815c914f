package chat.orchestrator.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a user runs it: {@code ./serve}, which starts the packaged {@code app-server.jar}
 * with its {@code libs/} (not the test classpath, which has every test dependency on it), on the embedded default,
 * with a class data sharing archive. A library the server needs at run time but the build gives only to the tests
 * fails here, not in front of the user; so does an archive the JVM cannot write or map.
 */
class PackagedServerIT {
    private static final String TOKEN = "packaged-message-token";
    private static final String ADMIN = "packaged-admin-token";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servedAsTheReadmeSays_theJarServesEveryKindOfEndpoint_andItsSecondStartMapsTheArchiveTheFirstWrote()
            throws Exception {
        Path jar = Path.of("target", "app-server.jar");
        assertTrue(Files.isRegularFile(jar), "package runs before integration tests: " + jar.toAbsolutePath());
        Path archive = Path.of("target", "app-server.jsa");
        Files.deleteIfExists(archive);

        try (Served first = serve()) {
            String request = Fixtures.text("sync-request.json");
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(first.base()
                            + "/api/v1/enhanced-handle-message")).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode body = new ObjectMapper().readTree(answer.body());
            assertEquals("completed", body.path("result").path("status").asText(), answer.body());

            HttpResponse<String> openapi = get(first.base() + "/openapi", "");
            assertEquals(200, openapi.statusCode(), openapi.body());
            assertTrue(openapi.body().startsWith("openapi: 3.1.0"), openapi.body());
            assertEquals(200, status(get(first.base() + "/openapi", "application/json")));
            assertEquals(200, status(get(first.base() + "/admin", "")));
            HttpResponse<String> metrics = get(first.base() + "/metrics", "");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("orchestrator_messages_total"), metrics.body());
        }
        assertTrue(Files.size(archive) > 0, "the first start wrote the class data archive at exit: " + archive);

        try (Served second = serve()) {
            assertEquals(200, status(get(second.base() + "/health/ready", "")));
            assertTrue(!Files.readString(second.log()).contains("[cds]"), "the JVM's archive notes stay out of the log");
        }
    }

    /** {@code ../serve} from the module's directory, as the README runs it, ready; its output in a log file. */
    private Served serve() throws Exception {
        int port = RealStores.freePort();
        Path log = Files.createTempFile("packaged-server-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of("..", "serve").toAbsolutePath().normalize().toString());
        builder.environment().put("API_HOST", "127.0.0.1");
        builder.environment().put("API_PORT", Integer.toString(port));
        builder.environment().put("PANCAKE_ACCESS_TOKEN", TOKEN);
        builder.environment().put("ADMIN_ACCESS_TOKEN", ADMIN);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Served served = new Served(builder.start(), log, "http://127.0.0.1:" + port);
        await("the served jar ready (log: " + log + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    assertTrue(served.process().isAlive(), "the served jar died: " + Files.readString(log));
                    return status(get(served.base() + "/health/ready", "")) == 200;
                });
        return served;
    }

    /** A server {@code ./serve} started (it execs the JVM, so SIGTERM reaches the server itself). */
    private record Served(Process process, Path log, String base) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private HttpResponse<String> get(String url, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (!accept.isEmpty()) {
            request.header("Accept", accept);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException notListening) {
            return null;
        }
    }

    private static int status(HttpResponse<String> response) {
        return response == null ? -1 : response.statusCode();
    }
}
