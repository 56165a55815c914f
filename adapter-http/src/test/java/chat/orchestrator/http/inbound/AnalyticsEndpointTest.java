package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The owner's figures over real traffic, through a real server and the in-memory history. */
class AnalyticsEndpointTest {
    private static final String ANALYTICS = "/api/v1/admin/analytics";

    private RunningApi api;

    @BeforeEach
    void start() {
        api = new RunningApi(new RuleBasedResponder());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void twoCustomers_oneAskingForAPerson_areCountedInTheCurrentHour() throws Exception {
        String booking = fixture("sync-request.json");
        String human = booking.replace("conv_12345", "conv_human").replace("msg_67890", "msg_human")
                .replace("Tôi muốn đặt lịch khám bệnh", "Cho tôi gặp nhân viên tư vấn");
        assertEquals("completed", api.post("/api/v1/enhanced-handle-message", booking).json()
                .get("result").get("status").asText());
        assertEquals("completed", api.post("/api/v1/enhanced-handle-message", human).json()
                .get("result").get("status").asText());

        // Each answer is delivered by its holder right after it is stored; wait for both reports.
        JsonNode report = await().atMost(Duration.ofSeconds(10)).until(() -> analytics("?hours=1").json(),
                body -> body.get("outcomes").get("answers_delivered").asInt() == 2);

        assertEquals(1, report.get("window").get("hours").asInt());
        assertEquals(1, report.get("per_hour").size());
        assertEquals(2, report.get("per_hour").get(0).get("messages_received").asInt());
        assertEquals(2, report.get("totals").get("answers_sent").asInt());
        assertEquals(0, report.get("totals").get("stale_answers_discarded").asInt());
        assertEquals(2, report.get("outcomes").get("messages_answered").asInt());
        assertEquals(0, report.get("outcomes").get("messages_waiting").asInt());
        assertEquals(1, report.get("actions").get("transfer_to_agent").asInt());
        assertEquals(0, report.get("actions").get("execute_api").asInt());
        assertEquals(1, report.get("handoffs").get("by_ai").asInt());
        assertEquals(RuleBasedResponder.MODEL, report.get("ai_latency").get(0).get("model").asText());
        assertEquals(2, report.get("ai_latency").get(0).get("calls").asInt());
        assertEquals(0, report.get("delivery_failures").get("failed_attempts").asInt());
    }

    @Test
    void withoutHours_theReportCoversTheLast24() {
        RunningApi.Reply reply = analytics("");

        assertEquals(200, reply.status());
        assertEquals(24, reply.json().get("per_hour").size());
        assertEquals(0, reply.json().get("totals").get("messages_received").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "721", "-3", "a_day", "1.5"})
    void hoursOutsideOneTo720_isAClear422(String hours) {
        RunningApi.Reply reply = analytics("?hours=" + hours);

        assertEquals(422, reply.status(), reply.json().toString());
        assertEquals("invalid_field", reply.json().get("error").get("code").asText());
        assertEquals("hours", reply.json().get("error").get("field").asText());
        assertTrue(api.nothingStored());
    }

    @Test
    void onlyTheAdminTokenOpensIt() {
        assertEquals(401, api.get(ANALYTICS, RunningApi.TOKEN).status());
        assertEquals(401, api.get(ANALYTICS, "wrong").status());
    }

    private RunningApi.Reply analytics(String query) {
        return api.get(ANALYTICS + query, RunningApi.ADMIN_TOKEN);
    }
}
