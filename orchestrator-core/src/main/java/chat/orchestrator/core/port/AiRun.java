package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
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

    /**
     * The hand-off this answer starts once stored: present when it carries a {@code transfer_to_agent} action (its
     * reason kept), starting when the run finished. Stores set it in the answer's own write, so a discarded or
     * refused answer hands nothing off.
     */
    public Optional<Handoff> handoff() {
        return reply.actions().stream()
                .filter(a -> a instanceof Action.TransferToAgent)
                .map(a -> Handoff.starting(finishedAt, Handoff.By.AI, reason((Action.TransferToAgent) a)))
                .findFirst();
    }

    private static String reason(Action.TransferToAgent transfer) {
        String reason = transfer.reason().isEmpty() ? "transfer_to_agent" : transfer.reason();
        if (reason.length() <= Handoff.MAX_REASON) {
            return reason;
        }
        // An AI's long reason is cut, not refused (the answer is already stored); never between a surrogate pair.
        int end = Character.isHighSurrogate(reason.charAt(Handoff.MAX_REASON - 1)) ? Handoff.MAX_REASON - 1
                : Handoff.MAX_REASON;
        return reason.substring(0, end);
    }

    /** A run with no page of its own: it goes out as the deployment's default page. */
    public AiRun(RunId id, ConversationId conversationId, FencingToken fencingToken, List<MessageId> messageIds,
                 AiReply reply, Instant finishedAt) {
        this(id, conversationId, fencingToken, messageIds, reply, finishedAt, Optional.empty());
    }
}
