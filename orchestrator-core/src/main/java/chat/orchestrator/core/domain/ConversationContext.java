package chat.orchestrator.core.domain;

import java.util.List;
import java.util.Objects;

/**
 * Everything the AI is given for one burst: the conversation's earlier turns (never a discarded answer)
 * followed by the burst's new messages in timestamp order.
 */
public record ConversationContext(ConversationId conversationId, List<Turn> history, List<InboundMessage> burst) {
    public ConversationContext {
        Objects.requireNonNull(conversationId, "conversationId");
        history = List.copyOf(history);
        burst = burst.stream().sorted(TimestampOrder.MESSAGES).toList();
        if (burst.isEmpty()) {
            throw new IllegalArgumentException("a context needs at least one new message");
        }
    }
}
