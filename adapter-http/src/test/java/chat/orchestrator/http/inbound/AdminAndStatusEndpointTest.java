package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdminAndStatusEndpointTest {
    private RunningApi api;

    @BeforeEach
    void start() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        assertEquals(200, api.post("/api/v1/enhanced-handle-message", fixture("sync-request.json")).status());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void conversationsAreListedWithPagination() throws Exception {
        api.post("/api/v1/enhanced-handle-message", fixture("sync-request.json")
                .replace("conv_12345", "conv_2").replace("1699123456.789", "1699123999"));

        JsonNode first = api.get("/api/v1/admin/conversations?limit=1", RunningApi.ADMIN_TOKEN).json();
        JsonNode second = api.get("/api/v1/admin/conversations?offset=1&limit=1", RunningApi.ADMIN_TOKEN).json();

        assertEquals(2, first.get("total_conversations").asInt());
        assertEquals("Memory", first.get("storage_backend").asText());
        JsonNode newest = first.get("conversations").get(0);
        assertEquals("conv_2", newest.get("conversation_id").asText());
        assertEquals("msg_67890", newest.get("last_message_id").asText());
        assertEquals(1699123999.0, newest.get("last_message_timestamp").asDouble(), 1e-6);
        assertFalse(newest.get("ai_processing").asBoolean());
        assertEquals(1, newest.get("context_size").asInt());
        assertEquals("conv_12345", second.get("conversations").get(0).get("conversation_id").asText());
    }

    @Test
    void deliveriesAreListedByStatus_andOnlyADeadOrRejectedOneCanBeRetried() {
        RunningApi.Reply dead = api.get("/api/v1/admin/deliveries", RunningApi.ADMIN_TOKEN);
        assertEquals(200, dead.status());
        assertEquals("dead_letter", dead.json().get("status").asText());
        assertEquals(0, dead.json().get("deliveries").size());
        assertEquals(0, dead.json().get("totals").get("dead_letter").asInt());

        RunningApi.Reply delivered = api.get("/api/v1/admin/deliveries?status=delivered", RunningApi.ADMIN_TOKEN);
        assertEquals(1, delivered.json().get("deliveries").size(), "the answer of the start-up message");
        JsonNode answer = delivered.json().get("deliveries").get(0);
        assertEquals("conv_12345", answer.get("conversation_id").asText());
        assertTrue(answer.get("actions").size() > 0, answer.toString());

        RunningApi.Reply again = api.post("/api/v1/admin/deliveries/" + answer.get("run_id").asText() + "/retry", "",
                RunningApi.ADMIN_TOKEN);
        assertEquals(404, again.status(), "a delivered answer is not sent again");
        assertEquals("not_retryable", again.json().get("error").get("code").asText());
        assertEquals(422, api.post("/api/v1/admin/deliveries/not-a-uuid/retry", "", RunningApi.ADMIN_TOKEN).status());
        assertEquals(422, api.get("/api/v1/admin/deliveries?status=lost", RunningApi.ADMIN_TOKEN).status());
        RunningApi.Reply withheld = api.get("/api/v1/admin/deliveries?status=withheld", RunningApi.ADMIN_TOKEN);
        assertEquals(200, withheld.status(), "withheld is a state operators list");
        assertEquals("withheld", withheld.json().get("status").asText());
        assertEquals(0, withheld.json().get("totals").get("withheld").asInt());
        assertEquals(401, api.get("/api/v1/admin/deliveries", RunningApi.TOKEN).status());
        assertEquals(0, api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json()
                .get("statistics").get("dead_letters").asInt());
        assertEquals(0, api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json()
                .get("statistics").get("withheld_deliveries").asInt());
    }

    @Test
    void healthNamesTheStoresTheStuckConversationsAndTheActionTypes() {
        // The answer is sent before the worker releases the lock (it re-checks for pending messages first), so on a
        // loaded machine the task can still count as active for a moment.
        JsonNode health = await("no AI task active").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json(),
                        json -> json.get("statistics").get("active_ai_tasks").asInt() == 0);

        assertEquals("healthy", health.get("status").asText());
        assertEquals(1, health.get("statistics").get("total_conversations").asInt());
        assertEquals(0, health.get("statistics").get("active_ai_tasks").asInt());
        assertEquals(0, health.get("statistics").get("stuck_conversations").asInt());
        assertEquals("not_configured", health.get("redis_status").asText());
        assertEquals("not_configured", health.get("postgres_status").asText());
        assertTrue(health.get("stuck_conversations").isArray());
        assertEquals(ActionType.wireNames().size(), health.get("supported_action_types").size());
        assertEquals("send_message", health.get("supported_action_types").get(0).asText());
    }

    @Test
    void aStoreThatIsDown_makesHealthUnhealthy_andReadiness503_whileLivenessStays200() {
        api.storeDown.set(true);

        assertEquals("unhealthy", api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json().get("status").asText());
        assertEquals(503, api.send(api.request("/health/ready").GET().build()).status());
        assertEquals(200, api.send(api.request("/health/live").GET().build()).status());
        assertEquals("degraded", api.send(api.request("/health").GET().build()).json().get("status").asText());
        assertEquals("degraded", api.send(api.request("/api/v1/status/handler").GET().build()).json().get("status").asText());
    }

    @Test
    void statsCountConversationsAndActiveWork() {
        JsonNode stats = api.get("/api/v1/admin/stats", RunningApi.ADMIN_TOKEN).json();

        assertTrue(stats.hasNonNull("timestamp"));
        assertEquals(1, stats.get("conversations").get("total").asInt());
        assertEquals(1, stats.get("conversations").get("recent").asInt());
        assertEquals(0, stats.get("conversations").get("old").asInt());
        assertEquals(0, stats.get("conversations").get("active_processing").asInt());
        assertEquals("Memory", stats.get("storage_backend").asText());
    }

    @Test
    void cancelForceReleasesAStuckLock() {
        ConversationId stuck = ConversationId.of("conv_stuck");
        api.locks.tryAcquire(stuck, Duration.ofMinutes(5)).orElseThrow();

        JsonNode cancelled = api.post("/api/v1/admin/conversations/conv_stuck/cancel", "", RunningApi.ADMIN_TOKEN).json();

        assertTrue(cancelled.get("lock_released").asBoolean());
        assertTrue(api.locks.inspect(stuck).isEmpty());
        assertFalse(api.post("/api/v1/admin/conversations/conv_stuck/cancel", "", RunningApi.ADMIN_TOKEN).json()
                .get("lock_released").asBoolean());
    }

    @Test
    void cleanupRemovesIdleStateAtBothPaths() {
        // Until its worker lets the lock go the conversation is not idle, and "0 removed" would hold for any age.
        await("the start-up message's worker releases the lock").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5)).until(() -> api.locks.inspect(ConversationId.of("conv_12345")).isEmpty());
        JsonNode young = api.post("/api/v1/admin/system/cleanup?max_age_hours=1", "", RunningApi.ADMIN_TOKEN).json();
        assertEquals(0, young.get("removed_conversations").asInt(), "nothing is an hour old");

        RunningApi.Reply other = api.post("/admin/system/cleanup", "", RunningApi.ADMIN_TOKEN);

        assertEquals(200, other.status());
        assertEquals(24, other.json().get("max_age_hours").asInt());
    }

    @Test
    void theStatusHandlerSaysWhatIsInUse_andOnlyTheAdminSeesTheAdapters() {
        JsonNode anonymous = api.send(api.request("/api/v1/status/handler").GET().build()).json();
        assertFalse(anonymous.has("adapters"), anonymous.toString());
        assertEquals("up", anonymous.get("components").get("memory_status").asText());

        JsonNode status = api.get("/api/v1/status/handler", RunningApi.ADMIN_TOKEN).json();

        assertTrue(status.get("initialized").asBoolean());
        assertEquals("healthy", status.get("status").asText());
        assertFalse(status.get("components").get("redis_connected").asBoolean());
        assertEquals("memory", status.get("components").get("lock_manager").asText());
        assertEquals("running", status.get("components").get("background_job_manager").get("status").asText());
        assertEquals(0, status.get("components").get("background_job_manager").get("active_jobs").asInt());
        assertEquals("memory", status.get("adapters").get("state").asText());
    }

    static Stream<Arguments> endpointsAndTheWrongToken() {
        String admin = RunningApi.ADMIN_TOKEN;
        String message = RunningApi.TOKEN;
        return Stream.of(
                Arguments.of("GET", "/api/v1/admin/conversations", message),
                Arguments.of("GET", "/api/v1/admin/health", message),
                Arguments.of("GET", "/api/v1/admin/stats", message),
                Arguments.of("POST", "/api/v1/admin/conversations/conv_12345/cancel", message),
                Arguments.of("POST", "/api/v1/admin/system/cleanup", message),
                Arguments.of("POST", "/admin/system/cleanup", message),
                Arguments.of("POST", "/api/v1/enhanced-handle-message", admin),
                Arguments.of("POST", "/api/v1/chat/message", admin),
                Arguments.of("GET", "/api/v1/chat/jobs/6f1c1f0e-7d43-4a53-9a7e-0d3b6a1f2c11", admin),
                Arguments.of("POST", "/api/v1/chat/jobs/6f1c1f0e-7d43-4a53-9a7e-0d3b6a1f2c11/cancel", admin),
                Arguments.of("POST", "/api/v1/pancake/webhook", admin));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpointsAndTheWrongToken")
    void eachTokenIsRefusedOnTheOthersEndpoints(String method, String path, String wrongToken) throws Exception {
        RunningApi.Reply reply = method.equals("GET") ? api.get(path, wrongToken)
                : api.post(path, fixture("sync-request.json").replace("msg_67890", "msg_other"), wrongToken);

        assertEquals(401, reply.status(), reply.json().toString());
        assertEquals("unauthorized", reply.json().get("error").get("code").asText());
        assertTrue(api.locks.inspect(ConversationId.of("conv_12345")).isEmpty());
        assertEquals(1, api.state.conversation(ConversationId.of("conv_12345")).orElseThrow().totalMessages(),
                "the refused request stored nothing");
    }
}
