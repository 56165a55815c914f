package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real server process while a synchronous request waits for a slow AI: readiness turns 503 at once
 * while the server still answers, the request in flight is answered, and the process is gone within Kubernetes'
 * 30 s grace period.
 */
class ShutdownProcessTest {

    @Test
    void onSigterm_readinessTurns503First_theRequestInFlightIsAnswered_andTheProcessExitsWithin30Seconds()
            throws Exception {
        String answer = Fixtures.text("openai-response-json.json");
        CountDownLatch aiCalled = new CountDownLatch(1);
        HttpServer ai = LoopbackHttpServer.start(16, exchange -> {
            exchange.getRequestBody().readAllBytes();
            aiCalled.countDown();
            try {
                // A slow AI: the answer is still owed when the shutdown starts.
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        });
        int port = RealStores.freePort();
        try (ServerProcess server = ServerProcess.start(Map.of(
                "API_HOST", "127.0.0.1", "API_PORT", Integer.toString(port),
                "PANCAKE_ACCESS_TOKEN", "message-token", "ADMIN_ACCESS_TOKEN", "admin-token",
                "CONSOLIDATION_WINDOW_MS", "0", "SHUTDOWN_DRAIN_SECONDS", "2",
                "AI_SERVICE_URL", "http://127.0.0.1:" + ai.getAddress().getPort() + "/v1",
                "AI_MODEL", "qwen2.5-7b-instruct"), "shutdown")) {
            server.awaitReady();
            String message = Fixtures.text("sync-request.json");
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/enhanced-handle-message"))
                            .header("Authorization", "Bearer message-token").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(message)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(aiCalled.await(30, TimeUnit.SECONDS), "the request reached the AI");

            server.process().destroy();

            assertTrue(sawReadiness503(server), "readiness never answered 503 while the server was draining: see "
                    + server.log());
            HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals("completed", new ObjectMapper().readTree(answered.body()).get("result").get("status").asText());
            assertTrue(server.process().waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
        } finally {
            ai.stop(0);
        }
    }

    private static boolean sawReadiness503(ServerProcess server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            int status = server.status("/health/ready");
            if (status == 503) {
                return true;
            }
            if (status == -1) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
