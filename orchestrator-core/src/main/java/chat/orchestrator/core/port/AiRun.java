package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One AI call for a burst: the holder's fencing token, the messages it consumed and what the AI answered. */
public record AiRun(
        RunId id,
        ConversationId conversationId,
        FencingToken fencingToken,
        List<MessageId> messageIds,
        AiReply reply,
        Instant finishedAt) {

    public AiRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(fencingToken, "fencingToken");
        messageIds = List.copyOf(messageIds);
        if (messageIds.isEmpty()) {
            throw new IllegalArgumentException("an AI run answers at least one message");
        }
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }
}
