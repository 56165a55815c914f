package chat.orchestrator.http.inbound;

import chat.orchestrator.core.MessageHandler;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.ChatJobs;
import chat.orchestrator.inmemory.InMemoryBotProfiles;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryJobs;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A real Helidon server with every endpoint on a free port over in-memory adapters, and a real client to call it. */
final class RunningApi implements AutoCloseable {
    static final String TOKEN = "pancake-test-token";
    static final String ADMIN_TOKEN = "admin-test-token";
    static final long MAX_BODY = 16 * 1024;
    static final String WEBHOOK_SECRET = "webhook-secret";

    final InMemoryStore store = new InMemoryStore(Clock.systemUTC());
    final InMemoryLocks locks = new InMemoryLocks(store);
    final InMemoryState state = new InMemoryState(store);
    final InMemoryHistory history = new InMemoryHistory();
    final InMemoryJobs jobs = new InMemoryJobs(Clock.systemUTC());
    final InMemoryBotProfiles botProfiles = new InMemoryBotProfiles();
    /** Flip to make the fake store report itself down. */
    final AtomicBoolean storeDown = new AtomicBoolean();
    final Orchestrator orchestrator;
    final ChatJobs chatJobs;
    final ApiServer server;
    final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();

    RunningApi(AiPort ai) {
        this(ai, false);
    }

    /** With {@code signedWebhook}, the webhook requires an HMAC signature made with {@link #WEBHOOK_SECRET}. */
    RunningApi(AiPort ai, boolean signedWebhook) {
        this(ai, signedWebhook, MAX_BODY, Duration.ofSeconds(20));
    }

    /** With the body limit and body read deadline of the caller's choice. */
    RunningApi(AiPort ai, boolean signedWebhook, long maxBody, Duration bodyReadTimeout) {
        this(ai, new LoggingPancake(), signedWebhook, maxBody, bodyReadTimeout, ServerLimits.NONE, Optional.empty());
    }

    /** With concurrency and rate limits. */
    RunningApi(AiPort ai, ServerLimits limits) {
        this(ai, new LoggingPancake(), false, MAX_BODY, Duration.ofSeconds(20), limits, Optional.empty());
    }

    /** Delivering to {@code pancake} (a stand-in for one that fails) instead of the logging one. */
    RunningApi(AiPort ai, PancakePort pancake) {
        this(ai, pancake, false, MAX_BODY, Duration.ofSeconds(20), ServerLimits.NONE, Optional.empty());
    }

    /** With admin JWTs checked as {@code jwt} says, beside {@link #ADMIN_TOKEN}. */
    RunningApi(AiPort ai, AdminJwtSettings jwt) {
        this(ai, new LoggingPancake(), false, MAX_BODY, Duration.ofSeconds(20), ServerLimits.NONE, Optional.of(jwt));
    }

    /** The synchronous endpoint answers whatever {@code messages} makes of each message; the rest is as usual. */
    RunningApi(AiPort ai, MessageHandler messages) {
        this(ai, new LoggingPancake(), false, MAX_BODY, Duration.ofSeconds(20), ServerLimits.NONE, Optional.empty(),
                Optional.of(messages));
    }

    private RunningApi(AiPort ai, PancakePort pancake, boolean signedWebhook, long maxBody, Duration bodyReadTimeout,
                       ServerLimits limits, Optional<AdminJwtSettings> jwt) {
        this(ai, pancake, signedWebhook, maxBody, bodyReadTimeout, limits, jwt, Optional.empty());
    }

    private RunningApi(AiPort ai, PancakePort pancake, boolean signedWebhook, long maxBody, Duration bodyReadTimeout,
                       ServerLimits limits, Optional<AdminJwtSettings> jwt, Optional<MessageHandler> messages) {
        Duration lockTtl = Duration.ofSeconds(30);
        orchestrator = Orchestrator.builder().locks(locks).state(state).history(history).outbox(history.outbox()).ai(ai)
                .pancake(pancake)
                .settings(OrchestratorSettings.defaults().withConsolidation(Duration.ZERO, Duration.ZERO)
                        .withPollInterval(Duration.ofMillis(5)).withAnswerWait(Duration.ofSeconds(20)))
                .build();
        chatJobs = new ChatJobs(orchestrator, jobs, history, Clock.systemUTC(), Duration.ofHours(1));
        HealthPort memory = () -> storeDown.get() ? ComponentHealth.down("memory", "switched off by the test")
                : ComponentHealth.up("memory", Map.of("conversations", "0"));
        server = InboundApi.start(
                new InboundApi.Settings("127.0.0.1", 0, TOKEN, ADMIN_TOKEN,
                        signedWebhook ? Optional.of(WEBHOOK_SECRET) : Optional.empty(), maxBody, bodyReadTimeout,
                        limits, Optional.empty(), jwt),
                new InboundApi.Dependencies(messages.orElse(orchestrator), orchestrator, chatJobs,
                        new Administration(locks, state, history.outbox(), List.of(memory), Clock.systemUTC(), lockTtl, 1_000,
                                orchestrator::aiRefusal),
                        orchestrator.handoffs(), botProfiles, List.of(memory), Map.of("state", "memory", "ai", "test AI"),
                        StorageDescription.MEMORY, Clock.systemUTC(), history.analytics()));
    }

    Reply post(String path, String body) {
        return post(path, body, TOKEN);
    }

    Reply post(String path, String body, String token) {
        return send(request(path).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    Reply get(String path, String token) {
        return send(request(path).header("Authorization", "Bearer " + token).GET().build());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30));
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = sendRaw(request);
            JsonNode json = response.body().isEmpty() ? mapper.nullNode() : mapper.readTree(response.body());
            return new Reply(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + e, e);
        }
    }

    /** The answer as text, whatever its media type. */
    HttpResponse<String> sendRaw(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Nothing was stored: no conversation in state, no answer in history, no job. */
    boolean nothingStored() {
        return state.conversations(0, 10).total() == 0 && history.sentRuns().isEmpty() && chatJobs.activeJobs() == 0;
    }

    @Override
    public void close() {
        server.close();
        orchestrator.close();
    }

    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    }
}
