package chat.orchestrator.http.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.http.ai.StubHttpServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeAiClientTest {
    static final String ANSWER = """
            {"response_text": "Dạ còn ạ. Chị muốn đặt lúc 8 giờ hay 10 giờ?", "intent": "book_appointment",
             "confidence": 0.9, "entities": {"day": "thứ Hai"},
             "actions": [{"type": "send_quick_replies", "data": {"message": "Chị chọn giờ nào ạ?", "options": ["8:00", "10:00"]}},
                         {"type": "collect_info", "data": {"message": "Cho em xin số điện thoại ạ", "fields": ["phone"]}}],
             "model_used": "clinic-bot-v3"}""";

    private final StubHttpServer server = StubHttpServer.start();
    private final List<NativeAiClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(NativeAiClient::close);
        server.close();
    }

    @Test
    void theConversationIsPostedInOurProtocol_andTheAnswerReadWithItsActionsAndModel() {
        server.reply(Reply.json(200, ANSWER));

        AiReply reply = client(Optional.empty()).answer(OpenAiCompatibleClientTest.context());

        StubHttpServer.Recorded request = server.requests().getFirst();
        assertEquals("/ai/answer", request.path());
        assertEquals(Fixtures.parse("""
                {"conversation_id": "105230123456789_6029384756102938",
                 "system_prompt": "%s",
                 "history": [
                   {"role": "customer", "text": "Xin chào", "timestamp": 1795599600.000},
                   {"role": "bot", "text": "Dạ, phòng khám An Tâm xin nghe ạ.", "timestamp": 1795599605.000}],
                 "messages": [
                   {"message_id": "m1", "content": "Cho mình hỏi phòng khám còn lịch sáng thứ Hai không ạ?",
                    "sender_id": "6029384756102938", "timestamp": 1795599660.000, "metadata": {"platform": "facebook"}},
                   {"message_id": "m2", "content": "Mình muốn khám tổng quát",
                    "sender_id": "6029384756102938", "timestamp": 1795599662.000, "metadata": {"platform": "facebook"}}]}
                """.formatted(OpenAiCompatibleClientTest.SYSTEM_PROMPT)), Fixtures.parse(request.text()));
        assertTrue(request.text().contains("\"timestamp\":1795599660.000"), "seconds with milliseconds, not 1.7E9");
        assertEquals("book_appointment", reply.intent());
        assertEquals(Map.of("day", "thứ Hai"), reply.entities());
        assertEquals(List.of(
                new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00")),
                new Action.CollectInfo("Cho em xin số điện thoại ạ", List.of("phone"))), reply.actions());
        assertEquals("clinic-bot-v3", reply.model());
    }

    @Test
    void anAnswerWithoutModelUsed_namesTheConfiguredModel() {
        server.reply(Reply.json(200, "{\"response_text\": \"Dạ\"}"));

        AiReply reply = client(Optional.of("in-house-7b")).answer(OpenAiCompatibleClientTest.context());

        assertEquals("in-house-7b", reply.model());
        assertEquals(List.of(new Action.SendMessage("Dạ")), reply.actions());
    }

    @Test
    void anErrorAnswer_isNotRetried_andItsMessageIsReported() {
        server.otherwise(Reply.json(422, "{\"error\": {\"message\": \"messages must not be empty\", \"type\": \"invalid_request\"}}"));

        AiUnavailableException rejected = assertThrows(AiUnavailableException.class,
                () -> client(Optional.empty()).answer(OpenAiCompatibleClientTest.context()));

        assertTrue(rejected.getMessage().contains("(native) rejected"), rejected.getMessage());
        assertTrue(rejected.getMessage().contains("HTTP 422: messages must not be empty"), rejected.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void anUnavailableService_isRetried_andTheNextAnswerUsed() {
        server.reply(Reply.json(503, "{\"error\": \"model loading\"}"), Reply.json(200, ANSWER));

        AiReply reply = client(Optional.empty()).answer(OpenAiCompatibleClientTest.context());

        assertEquals("clinic-bot-v3", reply.model());
        assertEquals(2, server.requests().size());
    }

    @Test
    void aSuccessfulStatusWithABodyThatIsNotJson_isReportedUnavailable() {
        server.reply(Reply.json(200, "<html>proxy error</html>"));

        AiUnavailableException unusable = assertThrows(AiUnavailableException.class,
                () -> client(Optional.empty()).answer(OpenAiCompatibleClientTest.context()));

        assertTrue(unusable.getMessage().contains("is not JSON"), unusable.getMessage());
    }

    private NativeAiClient client(Optional<String> model) {
        AiClientSettings settings = new AiClientSettings(server.url().resolve("/ai"), model, Optional.empty(), 0.2,
                Duration.ofSeconds(5), 3, Duration.ofMillis(10), Duration.ofMillis(40));
        NativeAiClient client = new NativeAiClient(settings, () -> new BotProfile("An Tâm",
                OpenAiCompatibleClientTest.SYSTEM_PROMPT, Map.of(), Map.of()));
        clients.add(client);
        return client;
    }
}
