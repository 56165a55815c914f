package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.PageId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One AI call for a burst: the holder's fencing token, the messages it consumed, what the AI answered, and the page
 * the burst came to, which the answer goes out as (empty: the deployment's default page).
 */
public record AiRun(
        RunId id,
        ConversationId conversationId,
        FencingToken fencingToken,
        List<MessageId> messageIds,
        AiReply reply,
        Instant finishedAt,
        Optional<PageId> pageId) {

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
        Objects.requireNonNull(pageId, "pageId");
    }

    /** A run with no page of its own: it goes out as the deployment's default page. */
    public AiRun(RunId id, ConversationId conversationId, FencingToken fencingToken, List<MessageId> messageIds,
                 AiReply reply, Instant finishedAt) {
        this(id, conversationId, fencingToken, messageIds, reply, finishedAt, Optional.empty());
    }
}
