package chat.orchestrator.core.contract;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders of realistic values for the contract suites and scenario tests. */
public final class TestMessages {
    public static final Instant BASE = Instant.parse("2026-11-25T09:41:27Z");

    private TestMessages() {
    }

    public static ConversationId newConversation() {
        return ConversationId.of("conv_" + UUID.randomUUID());
    }

    public static InboundMessage message(ConversationId conversation, String id, long offsetMillis, String text) {
        return new InboundMessage(MessageId.of(id), conversation, text, "user_123", SenderType.USER,
                BASE.plusMillis(offsetMillis), Map.of("platform", "web", "user_agent", "Mozilla/5.0"));
    }

    public static AiReply reply(String text) {
        return new AiReply(text, "book_appointment", 0.93, Map.of("day", "thứ Hai", "service", "khám tổng quát"),
                "test-model", Duration.ofMillis(42),
                List.of(new Action.SendMessage(text), new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00"))));
    }
}
