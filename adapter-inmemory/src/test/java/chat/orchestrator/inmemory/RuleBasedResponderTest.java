package chat.orchestrator.inmemory;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleBasedResponderTest {
    private final RuleBasedResponder responder = new RuleBasedResponder();

    private AiReply answer(String... texts) {
        ConversationId conversation = newConversation();
        List<chat.orchestrator.core.domain.InboundMessage> burst = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            burst.add(message(conversation, "m" + i, i, texts[i]));
        }
        return responder.answer(new ConversationContext(conversation, List.of(), burst));
    }

    @ParameterizedTest(name = "{0} -> {1} in {2}")
    @CsvSource(delimiter = '|', value = {
            "Tôi muốn đặt lịch khám bệnh        | book_appointment | vi | SEND_QUICK_REPLIES",
            "I'd like to book an appointment     | book_appointment | en | SEND_QUICK_REPLIES",
            "Cho mình gặp nhân viên tư vấn       | request_human    | vi | TRANSFER_TO_AGENT",
            "Can I talk to a real person please? | request_human    | en | TRANSFER_TO_AGENT",
            "Cảm ơn bạn nhiều                    | thanks           | vi | SEND_MESSAGE",
            "thanks a lot!                       | thanks           | en | SEND_MESSAGE",
            "Xin chào                            | greeting         | vi | SEND_MESSAGE",
            "Hello there                         | greeting         | en | SEND_MESSAGE",
            "What is this?                       | unknown          | en | SEND_MESSAGE",
            "Giá bao nhiêu vậy?                  | unknown          | vi | SEND_MESSAGE"})
    void recognisesTheIntentAndAnswersInTheCustomersLanguage(String text, String intent, String language, ActionType action) {
        AiReply reply = answer(text);

        assertEquals(intent, reply.intent());
        assertEquals(language, reply.entities().get("language"));
        assertTrue(reply.actions().stream().anyMatch(a -> a.type() == action), () -> reply.actions().toString());
        assertTrue(!reply.text().isBlank());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"Tôi muốn đặt lịch khám bệnh | Dạ", "I want to book | Happy"})
    void aBookingAnswerStartsInTheRightLanguage(String text, String start) {
        assertTrue(answer(text).text().startsWith(start));
    }

    @org.junit.jupiter.api.Test
    void aBurstIsReadAsOne_andPhoneAndDayAreExtracted() {
        AiReply reply = answer("hi", "I want", "to book a check-up on Monday, call me 0912345678");

        assertEquals("book_appointment", reply.intent());
        assertEquals("0912345678", reply.entities().get("phone"));
        assertEquals("monday", reply.entities().get("day"));
    }

    @org.junit.jupiter.api.Test
    void theSameInputAlwaysGetsTheSameAnswer() {
        assertEquals(answer("Xin chào"), answer("Xin chào"));
    }
}
