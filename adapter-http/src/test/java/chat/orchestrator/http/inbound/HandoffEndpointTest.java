package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin's hand-off and resume on a real server, and what the message endpoints answer while people have it. */
class HandoffEndpointTest {
    private static final String SYNC = "/api/v1/enhanced-handle-message";
    private static final String HANDOFF = "/api/v1/admin/conversations/conv_12345/handoff";
    private static final String RESUME = "/api/v1/admin/conversations/conv_12345/resume";
    private static final ConversationId CONVERSATION = ConversationId.of("conv_12345");
    private RunningApi api;

    @BeforeEach
    void start() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        assertEquals("completed", api.post(SYNC, fixture("sync-request.json")).json().get("result").get("status")
                .asText());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aHandedOffConversation_getsHandedOffAnswers_andIsListedWithItsHandoff() throws Exception {
        RunningApi.Reply handedOff = api.post(HANDOFF, "{\"reason\": \"khách VIP, chị Lan gọi lại\"}",
                RunningApi.ADMIN_TOKEN);

        assertEquals(200, handedOff.status(), handedOff.raw().body());
        JsonNode handoff = handedOff.json().get("handoff");
        assertEquals("admin", handoff.get("by").asText());
        assertEquals("khách VIP, chị Lan gọi lại", handoff.get("reason").asText());

        JsonNode result = api.post(SYNC, message("msg_2")).json().get("result");
        assertEquals("handed_off", result.get("status").asText(), result.toString());
        assertEquals("conversation_with_people", result.get("reason").asText());
        assertEquals(1, api.history.sentRuns().size(), "no second answer");
        assertEquals(Set.of(MessageId.of("msg_2")), api.history.answeredAmong(CONVERSATION, Set.of(MessageId.of("msg_2"))),
                "recorded, and not left pending");

        JsonNode listed = api.get("/api/v1/admin/conversations", RunningApi.ADMIN_TOKEN).json().get("conversations")
                .get(0);
        assertEquals("conv_12345", listed.get("conversation_id").asText());
        assertEquals(handoff.get("since"), listed.get("handoff").get("since"));
    }

    @Test
    void handingOffTwiceKeepsTheFirst_andResumeGivesTheConversationBackToTheBot() throws Exception {
        JsonNode first = api.post(HANDOFF, "", RunningApi.ADMIN_TOKEN).json().get("handoff");
        JsonNode second = api.post(HANDOFF, "{\"reason\": \"again\"}", RunningApi.ADMIN_TOKEN).json().get("handoff");
        assertEquals(first, second, "idempotent");
        assertEquals("", first.get("reason").asText(), "no body is no reason");

        RunningApi.Reply resumed = api.post(RESUME, "", RunningApi.ADMIN_TOKEN);
        assertEquals(200, resumed.status());
        assertTrue(resumed.json().get("handoff").isNull());
        assertEquals(200, api.post(RESUME, "", RunningApi.ADMIN_TOKEN).status(), "idempotent");

        assertEquals("completed", api.post(SYNC, message("msg_3")).json().get("result").get("status").asText());
        assertTrue(api.get("/api/v1/admin/conversations", RunningApi.ADMIN_TOKEN).json().get("conversations").get(0)
                .get("handoff").isNull());
    }

    @Test
    void anUnknownConversationIs404_andABadIdOrReasonIsRefused_storingNothing() {
        assertEquals(404, api.post("/api/v1/admin/conversations/conv_unknown/handoff", "", RunningApi.ADMIN_TOKEN)
                .status());
        assertEquals(404, api.post("/api/v1/admin/conversations/conv_unknown/resume", "", RunningApi.ADMIN_TOKEN)
                .status());
        assertEquals(422, api.post("/api/v1/admin/conversations/%E2%80%AEevil/handoff", "", RunningApi.ADMIN_TOKEN)
                .status());
        RunningApi.Reply tooLong = api.post(HANDOFF, "{\"reason\": \"" + "x".repeat(501) + "\"}",
                RunningApi.ADMIN_TOKEN);
        assertEquals(422, tooLong.status());
        assertEquals("reason", tooLong.json().get("error").get("field").asText());
        assertEquals(422, api.post(HANDOFF, "{\"reason\": 7}", RunningApi.ADMIN_TOKEN).status());
        assertEquals(400, api.post(HANDOFF, "{", RunningApi.ADMIN_TOKEN).status());
        assertEquals(401, api.post(HANDOFF, "", RunningApi.TOKEN).status());

        assertTrue(api.history.handoff(CONVERSATION).isEmpty(), "nothing stored");
        assertTrue(api.history.handoff(ConversationId.of("conv_unknown")).isEmpty());
    }

    @Test
    void aWebhookForAHandedOffConversationIsAccepted_andItsMessageRecordedButNeverAnswered() throws Exception {
        String webhook = fixture("pancake-webhook-message.json");
        assertEquals(200, api.post("/api/v1/pancake/webhook", webhook).status());
        await().atMost(Duration.ofSeconds(10)).until(() -> api.history.sentRuns().size() == 2);
        String conversation = api.mapper.readTree(webhook).get("data").get("conversation").get("id").asText();
        assertEquals(200, api.post("/api/v1/admin/conversations/" + conversation + "/handoff", "",
                RunningApi.ADMIN_TOKEN).status());

        assertEquals(200, api.post("/api/v1/pancake/webhook", webhook.replace("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP",
                "m_second")).status());

        MessageId second = MessageId.of("m_second");
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.history.answeredAmong(
                ConversationId.of(conversation), Set.of(second)).isEmpty());
        assertEquals(2, api.history.sentRuns().size(), "the handed-off message got no answer");
        assertTrue(api.history.answerFor(ConversationId.of(conversation), second).isEmpty());
    }

    private static String message(String id) throws Exception {
        return fixture("sync-request.json").replace("msg_67890", id);
    }
}
