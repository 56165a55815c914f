package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookEndpointTest {
    private static final String PATH = "/api/v1/pancake/webhook";
    private static final ConversationId CONVERSATION = ConversationId.of("105230123456789_6029384756102938");
    private RunningApi api;

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aCustomerMessage_isAcknowledgedAtOnce_andAnsweredInTheBackground() throws Exception {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.post(PATH, fixture("pancake-webhook-message.json"));

        assertEquals(200, reply.status(), reply.json().toString());
        assertEquals("processing", reply.json().get("status").asText());
        assertEquals("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP", reply.json().get("message_id").asText());
        awaitAnswer(MessageId.of("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP"));
        assertEquals("vi", api.history.answerFor(CONVERSATION, MessageId.of("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP"))
                .orElseThrow().entities().get("language"));
    }

    @Test
    void aRedeliveredWebhook_isAcknowledgedAsADuplicate_neverAnError() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        api.post(PATH, fixture("pancake-webhook-message.json"));
        awaitAnswer(MessageId.of("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP"));

        RunningApi.Reply again = api.post(PATH, fixture("pancake-webhook-message.json"));
        api.orchestrator.close(); // returns once every worker has finished: a second answer would be stored by now

        assertEquals(200, again.status());
        assertEquals("duplicate", again.json().get("status").asText());
        assertEquals(1, api.history.sentRuns().size());
    }

    @Test
    void theEchoOfThePagesOwnMessage_isIgnored_andStoresNothing() throws Exception {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.post(PATH, fixture("pancake-webhook-echo.json"));

        assertEquals(200, reply.status());
        assertEquals("ignored", reply.json().get("status").asText());
        assertEquals("echo_of_page_message", reply.json().get("reason").asText());
        assertTrue(api.nothingStored());
    }

    @Test
    void anEventThatIsNotAMessage_isIgnored_andStoresNothing() throws Exception {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.post(PATH, fixture("pancake-webhook-other-event.json"));

        assertEquals(200, reply.status());
        assertEquals("not_a_message_event", reply.json().get("reason").asText());
        assertTrue(api.nothingStored());
    }

    @Test
    void withASecret_aValidSignatureIsRequired_andTheTokenAloneIsNotEnough() throws Exception {
        api = new RunningApi(new RuleBasedResponder(), true);
        byte[] body = fixture("pancake-webhook-message.json").getBytes(StandardCharsets.UTF_8);
        String signature = new WebhookSignature(RunningApi.WEBHOOK_SECRET).sign(body);

        RunningApi.Reply tokenOnly = api.post(PATH, new String(body, StandardCharsets.UTF_8));
        RunningApi.Reply wrong = api.send(signed(body, "sha256=" + "0".repeat(64)));
        RunningApi.Reply tampered = api.send(signed(new String(body, StandardCharsets.UTF_8)
                .replace("thứ Hai", "thứ Ba").getBytes(StandardCharsets.UTF_8), "sha256=" + signature));

        assertEquals(401, tokenOnly.status());
        assertEquals(401, wrong.status());
        assertEquals(401, tampered.status());
        assertEquals("invalid_signature", tampered.json().get("error").get("code").asText());
        assertTrue(api.nothingStored());

        RunningApi.Reply good = api.send(signed(body, "sha256=" + signature));

        assertEquals(200, good.status());
        assertEquals("processing", good.json().get("status").asText());
    }

    @Test
    void withoutASecret_theMessageTokenIsRequired() throws Exception {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.send(api.request(PATH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(fixture("pancake-webhook-message.json"))).build());

        assertEquals(401, reply.status());
        assertTrue(api.nothingStored());
    }

    private HttpRequest signed(byte[] body, String signature) {
        return api.request(PATH).header("Content-Type", "application/json").header("X-Pancake-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private void awaitAnswer(MessageId id) {
        await("the message is answered").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> api.history.answerFor(CONVERSATION, id).isPresent());
    }
}
