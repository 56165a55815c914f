package chat.orchestrator.core.domain;

import java.time.Instant;
import java.util.Objects;

/** The admin's view of one conversation: its latest message and how much is waiting. */
public record ConversationState(
        ConversationId conversationId,
        MessageId lastMessageId,
        Instant lastMessageTimestamp,
        long totalMessages,
        int pendingMessages,
        Instant updatedAt) {

    public ConversationState {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(lastMessageId, "lastMessageId");
        Objects.requireNonNull(lastMessageTimestamp, "lastMessageTimestamp");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
