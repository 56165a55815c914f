package chat.orchestrator.http.inbound;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A real Helidon server on a free port over in-memory adapters, and a real HTTP client to call it. */
final class RunningApi implements AutoCloseable {
    static final String TOKEN = "pancake-test-token";
    static final long MAX_BODY = 16 * 1024;
    static final String WEBHOOK_SECRET = "webhook-secret";

    final InMemoryStore store = new InMemoryStore(Clock.systemUTC());
    final InMemoryLocks locks = new InMemoryLocks(store);
    final InMemoryState state = new InMemoryState(store);
    final InMemoryHistory history = new InMemoryHistory();
    final Orchestrator orchestrator;
    final ApiServer server;
    final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();

    RunningApi(AiPort ai) {
        this(ai, false);
    }

    /** With {@code signedWebhook}, the webhook requires an HMAC signature made with {@link #WEBHOOK_SECRET}. */
    RunningApi(AiPort ai, boolean signedWebhook) {
        orchestrator = Orchestrator.builder().locks(locks).state(state).history(history).ai(ai)
                .pancake(new LoggingPancake())
                .settings(OrchestratorSettings.defaults().withConsolidation(Duration.ZERO, Duration.ZERO)
                        .withPollInterval(Duration.ofMillis(5)).withAnswerWait(Duration.ofSeconds(20)))
                .build();
        JsonResponses json = JsonResponses.withDefaultMapper();
        server = ApiServer.start("127.0.0.1", 0, json, List.of(
                new HealthService(json, StorageDescription.MEMORY, Clock.systemUTC()),
                new SyncMessageService(orchestrator, new BearerToken(TOKEN), new JsonBody(MAX_BODY), json,
                        StorageDescription.MEMORY, Clock.systemUTC()),
                new WebhookService(orchestrator::submit, new BearerToken(TOKEN),
                        signedWebhook ? java.util.Optional.of(new WebhookSignature(WEBHOOK_SECRET)) : java.util.Optional.empty(),
                        new JsonBody(MAX_BODY), json, Clock.systemUTC())));
    }

    Reply post(String path, String body) {
        return send(request(path).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30));
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = response.body().isEmpty() ? mapper.nullNode() : mapper.readTree(response.body());
            return new Reply(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Nothing was stored: no conversation in state, so no message was accepted. */
    boolean nothingStored() {
        return state.conversations(0, 10).total() == 0 && history.sentRuns().isEmpty();
    }

    @Override
    public void close() {
        server.close();
        orchestrator.close();
    }

    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    }
}
