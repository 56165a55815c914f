package chat.orchestrator.http.pancake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.http.ai.Fixtures;
import chat.orchestrator.http.ai.StubHttpServer;
import chat.orchestrator.http.ai.StubHttpServer.Recorded;
import chat.orchestrator.http.ai.StubHttpServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PancakeCallbackClientTest {

    private final StubHttpServer server = StubHttpServer.start();
    private final List<PancakeCallbackClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(PancakeCallbackClient::close);
        server.close();
    }

    @Test
    void aDeliveryRetriedAfter503_carriesTheSameIdempotencyKeyAndBodyOnEveryAttempt() {
        server.reply(Reply.json(503, "{\"error\": \"maintenance\"}"), Reply.json(200, "{\"success\": true}"));
        Delivery delivery = Deliveries.of(new Action.SendMessage("Dạ còn ạ"), new Action.EndConversation("Cảm ơn chị"));

        DeliveryReport report = client(Optional.empty()).deliver(delivery);

        List<Recorded> requests = server.requests();
        assertEquals(2, requests.size());
        assertEquals(Optional.of(Deliveries.RUN.toString()), requests.get(0).header("Idempotency-Key"));
        assertEquals(requests.get(0).header("Idempotency-Key"), requests.get(1).header("Idempotency-Key"));
        assertArrayEquals(requests.get(0).body(), requests.get(1).body());
        assertEquals(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 2, "HTTP 503: {\"error\": \"maintenance\"}"),
                new ActionDelivery(1, ActionType.END_CONVERSATION, Status.DELIVERED, 2, "HTTP 503: {\"error\": \"maintenance\"}")),
                report.actions());
    }

    @Test
    void aRateLimitWithRetryAfter_isLeftToTheOutbox_withTheWaitPancakeAskedFor() {
        server.reply(Reply.json(429, "{\"success\": false}").withHeader("Retry-After", "2"));

        DeliveryReport report = client(Optional.empty()).deliver(Deliveries.of(new Action.SendMessage("Dạ")));

        assertEquals(1, server.requests().size(), "no quick retry against an explicit wait");
        assertEquals(Status.PENDING, report.actions().getFirst().status());
        assertEquals(Optional.of(java.time.Duration.ofSeconds(2)), report.retryAfter());
    }

    @Test
    void actionDataIsWrittenWithSortedKeys_soEveryInstanceSendsTheSameBytes() {
        server.otherwise(Reply.json(200, "{\"success\": true}"));
        // Immutable maps iterate in an order salted per JVM: two instances would write the same answer differently.
        java.util.Map<String, String> params = java.util.Map.of("f", "6", "e", "5", "d", "4", "c", "3", "b", "2",
                "a", "1");

        client(Optional.empty()).deliver(Deliveries.of(new Action.ExecuteApi("create_booking", params)));

        String body = new String(server.requests().getFirst().body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(body.contains("{\"name\":\"create_booking\",\"params\":"
                + "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\"}}"), body);
    }

    @Test
    void theBody_carriesConversationAnswerActionsTimestampAndLockId_toTheCallbackPath_withTheBearer() {
        server.reply(Reply.json(200, "{\"success\": true}"));
        Delivery delivery = Deliveries.of(
                new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00")),
                new Action.TransferToAgent("customer_request", ""));

        client(Optional.of("pancake-secret")).deliver(delivery);

        Recorded request = server.requests().getFirst();
        assertEquals("/hooks/pancake", request.path());
        assertEquals(Optional.of("Bearer pancake-secret"), request.header("Authorization"));
        assertEquals(Fixtures.parse("""
                {"conversation_id": "105230123456789_6029384756102938",
                 "ai_response": {"response_text": "Dạ còn ạ 🙏", "intent": "book_appointment", "confidence": 0.93,
                                 "entities": {"day": "thứ Hai"}, "processing_time_ms": 1234,
                                 "model_used": "qwen2.5-7b-instruct"},
                 "actions": [
                   {"type": "send_quick_replies", "data": {"message": "Chị chọn giờ nào ạ?", "options": ["8:00", "10:00"]}},
                   {"type": "transfer_to_agent", "data": {"reason": "customer_request", "message": ""}}],
                 "timestamp": "2026-11-25T09:41:30Z",
                 "distributed_lock_id": "7"}"""), Fixtures.parse(request.text()));
    }

    @Test
    void anAnswerOf200WithSuccessFalse_isNotTakenForDelivered() {
        server.otherwise(Reply.json(200, Fixtures.text("pancake-reply-auth-error.json")));

        DeliveryReport report = client(Optional.empty()).deliver(Deliveries.of(new Action.SendMessage("Dạ")));

        ActionDelivery action = report.actions().getFirst();
        assertEquals(Status.REJECTED, action.status());
        assertEquals(1, action.attempts());
        assertTrue(action.lastError().contains("Pancake error 4001: Invalid page_access_token"), action.lastError());
        assertEquals(1, server.requests().size());
    }

    @Test
    void serverErrorsOnEveryAttempt_leaveEveryActionDue_withAttemptsEqualToTheMaximum() {
        server.otherwise(Reply.json(502, "bad gateway"));

        DeliveryReport report = client(Optional.empty()).deliver(
                Deliveries.of(new Action.SendMessage("Dạ"), new Action.SendMessage("Chị chờ em chút ạ")));

        assertEquals(Deliveries.MAX_ATTEMPTS, server.requests().size());
        for (ActionDelivery action : report.actions()) {
            assertEquals(Status.PENDING, action.status());
            assertEquals(Deliveries.MAX_ATTEMPTS, action.attempts());
            assertEquals("HTTP 502: bad gateway", action.lastError());
        }
    }

    @Test
    void aClientError_isNotRetried_andFails() {
        server.otherwise(Reply.json(404, "{\"message\": \"no such route\"}"));

        DeliveryReport report = client(Optional.empty()).deliver(Deliveries.of(new Action.SendMessage("Dạ")));

        assertEquals(1, server.requests().size());
        assertEquals(new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.REJECTED, 1,
                "HTTP 404: {\"message\": \"no such route\"}"), report.actions().getFirst());
    }

    private PancakeCallbackClient client(Optional<String> token) {
        PancakeClientSettings settings = Deliveries.settings(server.url(), "/hooks/pancake", token, Optional.empty(),
                Optional.empty());
        PancakeCallbackClient client = new PancakeCallbackClient(settings);
        clients.add(client);
        return client;
    }
}
