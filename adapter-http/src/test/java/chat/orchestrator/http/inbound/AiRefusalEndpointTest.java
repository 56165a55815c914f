package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.http.ai.AiClientSettings;
import chat.orchestrator.http.ai.OpenAiCompatibleClient;
import chat.orchestrator.http.ai.StubHttpServer;
import chat.orchestrator.http.ai.StubHttpServer.Reply;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real AI stub that refuses (401, 400) behind the real OpenAI client and a real server: one call, no retry, a 503
 * with {@code ai_rejected} for the synchronous caller, a failed job, an acknowledged webhook, and admin health saying so.
 */
class AiRefusalEndpointTest {
    private static final String OPENAI_401 = """
            {"error": {"message": "Incorrect API key provided: sk-test-***key. You can find your API key at \
            https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": null, \
            "code": "invalid_api_key"}}""";

    private final StubHttpServer ai = StubHttpServer.start();
    private OpenAiCompatibleClient client;
    private RunningApi api;

    @AfterEach
    void stop() {
        api.close();
        client.close();
        ai.close();
    }

    private void start(Reply refusal) {
        ai.otherwise(refusal);
        // Three attempts allowed: a refusal must not use the two retries.
        client = new OpenAiCompatibleClient(new AiClientSettings(ai.url().resolve("/v1"), Optional.of("gpt-4o-mini"),
                Optional.of("sk-test-key"), 0.2, Duration.ofSeconds(5), 3, Duration.ofMillis(10), Duration.ofMillis(40)),
                () -> BotProfile.DEFAULT);
        api = new RunningApi(client);
    }

    @Test
    void aBadApiKey_answersTheSyncCaller503AiRejected_afterOneCall_andAdminHealthIsDegradedWithTheReason() throws Exception {
        start(Reply.json(401, OPENAI_401));

        RunningApi.Reply reply = api.post("/api/v1/enhanced-handle-message", fixture("sync-request.json"));

        assertEquals(503, reply.status(), reply.json().toString());
        assertEquals("ai_rejected", reply.json().get("error").get("code").asText());
        assertTrue(reply.json().get("error").get("message").asText().contains("HTTP 401: Incorrect API key provided"),
                reply.json().toString());
        assertEquals(1, ai.requests().size(), "a refusal is not retried");
        JsonNode health = api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json();
        assertEquals("degraded", health.get("status").asText(), health.toString());
        assertEquals("rejected", health.get("ai_status").asText());
        assertEquals("ai_rejected", health.get("ai_error").get("code").asText());
        assertTrue(health.get("ai_error").get("message").asText().contains("HTTP 401"), health.toString());
        assertEquals(1, health.get("ai_error").get("refused_calls").asInt());
    }

    @Test
    void aBadRequest_isOneCall_andTheAsynchronousJobFailsWithAiRejected() throws Exception {
        start(Reply.json(400, fixture("openai-error-400.json")));

        RunningApi.Reply submitted = api.post("/api/v1/chat/message", fixture("chat-message-request.json"));

        assertEquals(200, submitted.status(), submitted.json().toString());
        JsonNode job = awaitFailedJob(UUID.fromString(submitted.json().get("ai_job_id").asText()));
        assertTrue(job.get("error").asText().startsWith("ai_rejected: "), job.toString());
        assertTrue(job.get("error").asText().contains("json_schema is not supported by this model"), job.toString());
        assertEquals(1, ai.requests().size(), "a refusal is not retried");
        assertEquals("rejected", api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json().get("ai_status").asText());
    }

    @Test
    void aWebhookMessage_isAcknowledged_soPancakeDoesNotDeliverItAgain_whileTheAiRefusesItOnce() throws Exception {
        start(Reply.json(401, OPENAI_401));

        RunningApi.Reply reply = api.post("/api/v1/pancake/webhook", fixture("pancake-webhook-message.json"));

        assertEquals(200, reply.status(), reply.json().toString());
        assertEquals("processing", reply.json().get("status").asText());
        ai.awaitRequests(1, Duration.ofSeconds(10));
        JsonNode health = awaitHealth("degraded");
        assertEquals("rejected", health.get("ai_status").asText());
        assertEquals(1, ai.requests().size());
        assertTrue(api.history.sentRuns().isEmpty(), "nothing answered");
    }

    private JsonNode awaitFailedJob(UUID job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode body = api.get("/api/v1/chat/jobs/" + job, RunningApi.TOKEN).json();
        while (!"failed".equals(body.get("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            body = api.get("/api/v1/chat/jobs/" + job, RunningApi.TOKEN).json();
        }
        assertEquals("failed", body.get("status").asText(), body.toString());
        return body;
    }

    private JsonNode awaitHealth(String status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode body = api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json();
        while (!status.equals(body.get("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            body = api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json();
        }
        assertEquals(status, body.get("status").asText(), body.toString());
        return body;
    }
}
