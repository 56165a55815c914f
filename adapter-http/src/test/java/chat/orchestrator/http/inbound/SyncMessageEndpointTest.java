package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.http.ai.Fixtures;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyncMessageEndpointTest {
    private static final String PATH = "/api/v1/enhanced-handle-message";
    private RunningApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    static String fixture(String name) throws IOException {
        return Fixtures.text(name);
    }

    @Test
    void theApiExample_isCompletedWithAVietnameseAnswerInTheDocumentedShape() throws Exception {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.post(PATH, fixture("sync-request.json"));

        assertEquals(200, reply.status());
        JsonNode body = reply.json();
        assertTrue(body.get("success").asBoolean());
        assertTrue(body.hasNonNull("timestamp"));
        assertTrue(body.get("processing_time_ms").isNumber());
        JsonNode result = body.get("result");
        assertEquals("completed", result.get("status").asText());
        assertEquals("msg_67890", result.get("message_id").asText());
        assertEquals("Memory", result.get("storage_backend").asText());
        assertFalse(result.get("distributed_lock_used").asBoolean());
        JsonNode ai = result.get("ai_response");
        assertTrue(ai.get("response_text").asText().startsWith("Dạ"), ai.toString());
        assertEquals("book_appointment", ai.get("intent").asText());
        assertTrue(ai.get("confidence").isNumber());
        assertTrue(ai.get("entities").isObject());
        assertTrue(ai.get("processing_time_ms").isNumber());
        assertEquals(RuleBasedResponder.MODEL, ai.get("model_used").asText());
        JsonNode firstAction = result.get("extracted_actions").get(0);
        assertEquals("send_quick_replies", firstAction.get("type").asText());
        assertTrue(firstAction.get("data").get("options").isArray());
        assertEquals("success", result.get("pancake_result").get("status").asText());
        assertEquals(2, result.get("pancake_result").get("actions_executed").asInt());
    }

    @Test
    void anAnswerPancakeCouldNotTakeYet_isReportedQueued_andARefusedOneFailed() throws Exception {
        api = new RunningApi(new RuleBasedResponder(), everyAction(DeliveryReport.Status.PENDING));
        JsonNode queued = api.post(PATH, fixture("sync-request.json")).json().get("result").get("pancake_result");
        api.close();
        api = new RunningApi(new RuleBasedResponder(), everyAction(DeliveryReport.Status.REJECTED));
        JsonNode refused = api.post(PATH, fixture("sync-request.json")).json().get("result").get("pancake_result");

        assertEquals("queued", queued.get("status").asText(), "the outbox keeps trying");
        assertEquals(0, queued.get("actions_executed").asInt());
        assertEquals("pending", queued.get("actions").get(0).get("status").asText());
        assertEquals("failed", refused.get("status").asText());
        assertEquals("rejected", refused.get("actions").get(0).get("status").asText());
    }

    private static PancakePort everyAction(DeliveryReport.Status status) {
        return delivery -> new DeliveryReport(java.util.stream.IntStream.range(0, delivery.actions().size())
                .mapToObj(i -> new DeliveryReport.ActionDelivery(i, delivery.actions().get(i).type(), status, 1, "HTTP 503"))
                .toList());
    }

    @Test
    void theSameMessageAgain_isADuplicateCarryingTheEarlierAnswer() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        api.post(PATH, fixture("sync-request.json"));

        RunningApi.Reply again = api.post(PATH, fixture("sync-request.json"));

        assertEquals(200, again.status());
        assertEquals("duplicate", again.json().get("result").get("status").asText());
        assertTrue(again.json().get("result").get("ai_response").get("response_text").asText().startsWith("Dạ"));
    }

    @Test
    void aMessageForAConversationHeldElsewhere_isLocked() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        api.locks.tryAcquire(ConversationId.of("conv_12345"), Duration.ofSeconds(30)).orElseThrow();

        RunningApi.Reply reply = api.post(PATH, fixture("sync-request.json"));

        assertEquals(200, reply.status());
        JsonNode result = reply.json().get("result");
        assertEquals("locked", result.get("status").asText());
        assertEquals("processing_in_progress", result.get("reason").asText());
        assertEquals("Memory", result.get("storage_backend").asText());
    }

    @Test
    void aMessageArrivingWhileTheAiRuns_turnsTheFirstAnswerIntoRestartNeeded() throws Exception {
        CountDownLatch firstCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RuleBasedResponder rules = new RuleBasedResponder();
        api = new RunningApi(context -> {
            if (calls.incrementAndGet() == 1) {
                firstCall.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return rules.answer(context);
        });
        String first = "{\"conversation_id\":\"c1\",\"message_id\":\"m1\",\"message_content\":\"Xin chào\","
                + "\"sender_id\":\"u1\",\"sender_type\":\"user\",\"timestamp\":1699123456.1}";
        String second = first.replace("\"m1\"", "\"m2\"").replace("Xin chào", "Tôi muốn đặt lịch").replace(".1}", ".9}");
        CompletableFuture<RunningApi.Reply> firstReply = CompletableFuture.supplyAsync(() -> api.post(PATH, first));
        assertTrue(firstCall.await(10, TimeUnit.SECONDS));

        RunningApi.Reply secondReply = api.post(PATH, second);
        release.countDown();

        assertEquals("locked", secondReply.json().get("result").get("status").asText());
        JsonNode result = firstReply.get(20, TimeUnit.SECONDS).json().get("result");
        assertEquals("restart_needed", result.get("status").asText());
        assertEquals("m2", result.get("newer_messages").get(0).get("message_id").asText());
        assertEquals(1699123456.9, result.get("newer_messages").get(0).get("timestamp").asDouble(), 1e-6);
        JsonNode current = result.get("current_result");
        assertEquals("greeting", current.get("ai_response").get("intent").asText());
        assertTrue(current.get("extracted_actions").isArray());
        assertEquals("not_sent", current.get("pancake_result").get("status").asText());
    }

    @Test
    void healthIsOpenToLoadBalancers() {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.send(api.request("/health").GET().build());

        assertEquals(200, reply.status());
        assertEquals("healthy", reply.json().get("status").asText());
        assertEquals("Memory", reply.json().get("storage_backend").asText());
    }

    @Test
    void anUnknownPath_isAJson404() {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.send(api.request("/api/v1/nope").GET().build());

        assertEquals(404, reply.status());
        assertEquals("not_found", reply.json().get("error").get("code").asText());
    }

    @Test
    void aMissingOrWrongToken_is401WithAJsonError_andStoresNothing() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        String body = fixture("sync-request.json");
        for (String authorization : new String[] {null, "Bearer wrong", "Basic " + RunningApi.TOKEN,
                "Bearer " + RunningApi.TOKEN + "x", "Bearer"}) {
            HttpRequest.Builder request = api.request(PATH).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }

            RunningApi.Reply reply = api.send(request.build());

            assertEquals(401, reply.status(), "Authorization: " + authorization);
            assertEquals("unauthorized", reply.json().get("error").get("code").asText());
            assertTrue(reply.raw().headers().firstValue("WWW-Authenticate").isPresent());
        }
        assertTrue(api.nothingStored());
    }
}
