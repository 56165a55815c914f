package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real requests to a real server, success and error cases of every endpoint, every answer checked against
 * {@code openapi.yaml}: a status the document does not list for the operation, or a body its schema refuses, fails.
 * The document cannot drift from the server without this test failing, and every documented operation must have
 * answered here with success.
 */
class OpenApiConformanceTest {
    private static final String SYNC = "/api/v1/enhanced-handle-message";
    private static final String WEBHOOK = "/api/v1/pancake/webhook";
    private static final String CHAT = "/api/v1/chat/message";
    private static final String ADMIN = RunningApi.ADMIN_TOKEN;
    private static final String MESSAGES = RunningApi.TOKEN;

    private final OpenApiDocument document = OpenApiDocument.fromClasspath();
    private final List<RunningApi> servers = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(RunningApi::close);
    }

    @Test
    void everyEndpointAnswersAsDocumented() throws Exception {
        RunningApi api = started(new RunningApi(new RuleBasedResponder()));
        messageEndpoints(api);
        chatEndpoints(api);
        adminEndpoints(api);
        handoffEndpoints(api);
        statusEndpoints(api);
        unavailableAnswers();
        retryOfARejectedDelivery();
        signedWebhook();
        adminJwts();

        assertEquals(document.operations(), document.answeredWithSuccess(),
                "every documented operation answered successfully at least once");
    }

    @Test
    void theCheckerRefusesAnUndocumentedStatusAndABodyThatDoesNotMatch() {
        ObjectMapper mapper = new ObjectMapper();
        assertFalse(document.violations("GET", "/health", 418, "application/json", mapper.createObjectNode()).isEmpty());
        assertFalse(document.violations("GET", "/api/v1/admin/stats", 200, "application/json",
                mapper.createObjectNode().put("timestamp", "now")).isEmpty());
        assertFalse(document.violations("GET", "/nowhere", 200, "application/json", mapper.createObjectNode()).isEmpty());
        assertFalse(document.violations("DELETE", "/health", 200, "application/json", mapper.createObjectNode()).isEmpty());
    }

    private void messageEndpoints(RunningApi api) throws Exception {
        String sync = fixture("sync-request.json");
        assertEquals("completed", check(api.post(SYNC, sync, MESSAGES)).json().get("result").get("status").asText());
        assertEquals("duplicate", check(api.post(SYNC, sync, MESSAGES)).json().get("result").get("status").asText());
        check(api.post(SYNC, sync, "wrong-token"), 401);
        check(api.post(SYNC, "{not json", MESSAGES), 400);
        check(api.post(SYNC, "{}", MESSAGES), 422);
        // Expect: 100-continue, as in BadInputTest: the 413 comes before the body, so the client never races the close.
        check(api.send(api.request(SYNC).expectContinue(true).header("Authorization", "Bearer " + MESSAGES)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"pad\": \"" + "x".repeat((int) RunningApi.MAX_BODY) + "\"}")).build()), 413);
        check(api.send(api.request(SYNC).header("Authorization", "Bearer " + MESSAGES)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(sync)).build()), 415);

        String webhook = fixture("pancake-webhook-message.json");
        assertEquals("processing", check(api.post(WEBHOOK, webhook, MESSAGES)).json().get("status").asText());
        assertEquals("duplicate", check(api.post(WEBHOOK, webhook, MESSAGES)).json().get("status").asText());
        assertEquals("ignored", check(api.post(WEBHOOK, fixture("pancake-webhook-echo.json"), MESSAGES))
                .json().get("status").asText());
        check(api.post(WEBHOOK, fixture("pancake-webhook-other-event.json"), MESSAGES));
        check(api.post(WEBHOOK, webhook, "wrong-token"), 401);
        check(api.post(WEBHOOK, "[]", MESSAGES), 400);
        check(api.post(WEBHOOK, "{\"event_type\": \"messaging\", \"data\": {}}", MESSAGES), 422);
    }

    private void chatEndpoints(RunningApi api) throws Exception {
        RunningApi.Reply started = check(api.post(CHAT, fixture("chat-message-request.json"), MESSAGES));
        String job = started.json().get("ai_job_id").asText();
        check(api.post(CHAT, fixture("chat-message-request.json"), MESSAGES));
        check(api.post(CHAT, "{\"history\": \"<P>hello</P>\"}", MESSAGES), 422);
        check(api.post(CHAT, "{", MESSAGES), 400);
        check(api.post(CHAT, "{}", "wrong-token"), 401);

        check(api.get("/api/v1/chat/jobs/" + job, MESSAGES));
        check(api.get("/api/v1/chat/jobs/" + java.util.UUID.randomUUID(), MESSAGES), 404);
        check(api.get("/api/v1/chat/jobs/not-a-uuid", MESSAGES), 422);
        check(api.get("/api/v1/chat/jobs/" + job, ADMIN), 401);
        assertTrue(check(api.post("/api/v1/chat/jobs/" + job + "/cancel", "", MESSAGES)).json().has("cancelled"));
        check(api.post("/api/v1/chat/jobs/" + java.util.UUID.randomUUID() + "/cancel", "", MESSAGES), 404);
        check(api.post("/api/v1/chat/jobs/" + job + "/cancel", "", "wrong-token"), 401);
    }

    private void adminEndpoints(RunningApi api) {
        for (String path : List.of("/api/v1/admin/conversations", "/api/v1/admin/health", "/api/v1/admin/stats",
                "/api/v1/admin/deliveries", "/api/v1/admin/deliveries?status=delivered&limit=5",
                "/api/v1/admin/analytics", "/api/v1/admin/analytics?hours=720")) {
            check(api.get(path, ADMIN));
            check(api.get(path, MESSAGES), 401);
        }
        check(api.get("/api/v1/admin/conversations?limit=0", ADMIN), 422);
        check(api.get("/api/v1/admin/deliveries?status=lost", ADMIN), 422);
        check(api.get("/api/v1/admin/analytics?hours=0", ADMIN), 422);
        check(api.get("/api/v1/admin/analytics?hours=a_day", ADMIN), 422);

        check(api.post("/api/v1/admin/conversations/conv_12345/cancel", "", ADMIN));
        check(api.post("/api/v1/admin/conversations/conv_12345/cancel", "", MESSAGES), 401);
        check(api.post("/api/v1/admin/conversations/%E2%80%AEevil/cancel", "", ADMIN), 422);
        for (String cleanup : List.of("/api/v1/admin/system/cleanup", "/admin/system/cleanup")) {
            check(api.post(cleanup + "?max_age_hours=1", "", ADMIN));
            check(api.post(cleanup + "?max_age_hours=0", "", ADMIN), 422);
            check(api.post(cleanup, "", MESSAGES), 401);
        }
        String delivered = api.get("/api/v1/admin/deliveries?status=delivered", ADMIN).json()
                .get("deliveries").get(0).get("run_id").asText();
        check(api.post("/api/v1/admin/deliveries/" + delivered + "/retry", "", ADMIN), 404);
        check(api.post("/api/v1/admin/deliveries/not-a-uuid/retry", "", ADMIN), 422);
        check(api.post("/api/v1/admin/deliveries/" + delivered + "/retry", "", MESSAGES), 401);
    }

    private void handoffEndpoints(RunningApi api) throws Exception {
        String handoff = "/api/v1/admin/conversations/conv_12345/handoff";
        String resume = "/api/v1/admin/conversations/conv_12345/resume";
        check(api.post(handoff, "{\"reason\": \"khách VIP\"}", ADMIN));
        check(api.post(handoff, "", ADMIN));
        String sync = fixture("sync-request.json").replace("msg_67890", "msg_for_people");
        assertEquals("handed_off", check(api.post(SYNC, sync, MESSAGES)).json().get("result").get("status").asText());
        check(api.get("/api/v1/admin/conversations", ADMIN));
        check(api.post(handoff, "{", ADMIN), 400);
        check(api.post(handoff, "{\"reason\": 7}", ADMIN), 422);
        check(api.post(handoff, "", MESSAGES), 401);
        check(api.post("/api/v1/admin/conversations/conv_unknown/handoff", "", ADMIN), 404);
        check(api.post("/api/v1/admin/conversations/%E2%80%AEevil/handoff", "", ADMIN), 422);
        check(api.post(resume, "", ADMIN));
        check(api.post(resume, "", MESSAGES), 401);
        check(api.post("/api/v1/admin/conversations/conv_unknown/resume", "", ADMIN), 404);
        check(api.post("/api/v1/admin/conversations/%E2%80%AEevil/resume", "", ADMIN), 422);
    }

    private void statusEndpoints(RunningApi api) throws Exception {
        for (String path : List.of("/health", "/health/live", "/health/ready", "/api/v1/status/handler")) {
            check(api.get(path, "none"));
        }
        assertTrue(check(api.get("/api/v1/status/handler", ADMIN)).json().has("adapters"));
        api.storeDown.set(true);
        check(api.get("/health/ready", "none"), 503);
        assertEquals("degraded", check(api.get("/health", "none")).json().get("status").asText());
        api.storeDown.set(false);

        RunningApi.Reply json = api.send(api.request("/openapi").header("Accept", "application/json").GET().build());
        check(json, 200);
        assertEquals("3.1.0", json.json().get("openapi").asText());
        var yaml = api.sendRaw(api.request("/openapi").GET().build());
        assertEquals(200, yaml.statusCode());
        assertEquals(List.of(), document.violations("GET", "/openapi", 200, mediaType(yaml), null));
        assertEquals(json.json(), new YAMLMapper().readTree(yaml.body()), "the YAML and the JSON are one document");

        var metrics = api.sendRaw(api.request("/metrics").GET().build());
        assertEquals(List.of(), document.violations("GET", "/metrics", metrics.statusCode(), mediaType(metrics), null));

        var page = api.sendRaw(api.request("/admin").GET().build());
        assertEquals(List.of(), document.violations("GET", "/admin", page.statusCode(), mediaType(page), null));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
    }

    /** The AI down: the message endpoints answer 503 and store nothing. */
    private void unavailableAnswers() throws Exception {
        RunningApi down = started(new RunningApi(context -> {
            throw new AiUnavailableException("the AI is down");
        }));
        check(down.post(SYNC, fixture("sync-request.json"), MESSAGES), 503);
    }

    /** Pancake refuses: the answer is rejected, and an admin's retry makes it due again. */
    private void retryOfARejectedDelivery() throws Exception {
        PancakePort refusing = delivery -> new DeliveryReport(IntStream.range(0, delivery.actions().size())
                .mapToObj(i -> new DeliveryReport.ActionDelivery(i, delivery.actions().get(i).type(),
                        DeliveryReport.Status.REJECTED, 1, "HTTP 403"))
                .toList());
        RunningApi api = started(new RunningApi(new RuleBasedResponder(), refusing));
        check(api.post(SYNC, fixture("sync-request.json"), MESSAGES));
        JsonNode rejected = check(api.get("/api/v1/admin/deliveries?status=rejected", ADMIN)).json();
        String runId = rejected.get("deliveries").get(0).get("run_id").asText();
        assertEquals("pending", check(api.post("/api/v1/admin/deliveries/" + runId + "/retry", "", ADMIN))
                .json().get("status").asText());
    }

    private void signedWebhook() throws Exception {
        RunningApi signed = started(new RunningApi(new RuleBasedResponder(), true));
        RunningApi.Reply refused = check(signed.post(WEBHOOK, fixture("pancake-webhook-message.json"), MESSAGES), 401);
        assertEquals("invalid_signature", refused.json().get("error").get("code").asText());
    }

    /** A person's JWT: accepted, refused (expired), without the role (403), or unverifiable (the IdP is down). */
    private void adminJwts() {
        RunningApi api = started(new RunningApi(new RuleBasedResponder(), TestIdentityProvider.sharedSecret()));
        String keycloakAdmin = TestIdentityProvider.hs256(TestIdentityProvider.SECRET, TestIdentityProvider.admin("alice")
                .claim("realm_access", java.util.Map.of("roles", List.of("orchestrator-admin"))).build());
        String withoutRole = TestIdentityProvider.hs256(TestIdentityProvider.SECRET,
                TestIdentityProvider.admin("victor").build());
        String expired = TestIdentityProvider.hs256(TestIdentityProvider.SECRET, TestIdentityProvider.admin("alice")
                .expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(3_600))).build());
        for (String path : List.of("/api/v1/admin/conversations", "/api/v1/admin/health", "/api/v1/admin/stats",
                "/api/v1/admin/deliveries")) {
            check(api.get(path, keycloakAdmin));
            check(api.get(path, withoutRole), 403);
        }
        for (String path : List.of("/api/v1/admin/conversations/conv_1/cancel", "/api/v1/admin/system/cleanup",
                "/admin/system/cleanup", "/api/v1/admin/deliveries/" + java.util.UUID.randomUUID() + "/retry")) {
            check(api.post(path, "", withoutRole), 403);
        }
        assertEquals("token_expired", check(api.get("/api/v1/admin/health", expired), 401)
                .json().get("error").get("code").asText());

        try (TestIdentityProvider down = new TestIdentityProvider()) {
            down.server.otherwise(chat.orchestrator.http.ai.StubHttpServer.Reply.json(503, "{}"));
            RunningApi unverifiable = started(new RunningApi(new RuleBasedResponder(), down.jwks()));
            check(unverifiable.get("/api/v1/admin/health", TestIdentityProvider.rs256(down.rsa,
                    TestIdentityProvider.admin("alice").build())), 503);
        }
    }

    private RunningApi started(RunningApi api) {
        servers.add(api);
        return api;
    }

    private RunningApi.Reply check(RunningApi.Reply reply) {
        assertTrue(reply.status() < 300, "expected success, got " + reply.status() + " " + reply.json());
        return check(reply, reply.status());
    }

    /** The answer has the expected status, and the document lists that status with a schema its body matches. */
    private RunningApi.Reply check(RunningApi.Reply reply, int expectedStatus) {
        HttpRequest request = reply.raw().request();
        assertEquals(expectedStatus, reply.status(), request.method() + " " + request.uri() + ": " + reply.json());
        List<String> violations = document.violations(request.method(), request.uri().getRawPath(), reply.status(),
                mediaType(reply.raw()), reply.json());
        assertEquals(List.of(), violations, request.method() + " " + request.uri() + " answered " + reply.json());
        return reply;
    }

    private static String mediaType(java.net.http.HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    }
}
