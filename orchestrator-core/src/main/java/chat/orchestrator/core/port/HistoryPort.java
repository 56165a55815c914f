package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable history: messages (dedup that survives restarts), AI runs, and the actions to deliver. Every write of a
 * holder is fenced: it happens only if the holder's token is at least the highest the conversation has seen,
 * checked and recorded in the same transaction. Throws {@link StoreUnavailableException} when unreachable.
 */
public interface HistoryPort {

    /** Records the message once per (conversation, message id) and says whether it was new. */
    RecordOutcome record(InboundMessage message);

    /**
     * The conversation's last {@code maxTurns} turns, oldest first (answers in commit order, each after the burst it
     * answered): customer messages that were answered and the
     * answers really sent: never a discarded one, nor one whose delivery ended (rejected or dead-lettered) with none
     * of its actions delivered (an answer still waiting in the outbox counts).
     */
    List<Turn> recentTurns(ConversationId conversationId, int maxTurns);

    /** Those of {@code ids} that an answer has already consumed. */
    Set<MessageId> answeredAmong(ConversationId conversationId, Set<MessageId> ids);

    /**
     * The fence at lease start: raises the conversation's highest token to {@code token}, so a paused older holder
     * can no longer commit even before this holder writes. Refused (nothing changed, the highest seen reported) if a
     * newer token was seen. A conversation with no recorded message has nothing to fence: committed.
     */
    FencedWrite raiseFence(ConversationId conversationId, FencingToken token);

    /** Stores a run whose answer went stale, so the cost is visible; never part of the context afterwards. */
    FencedWrite recordDiscarded(AiRun run);

    /**
     * Stores the run, marks its messages answered and queues its answer in the outbox ({@link OutboxPort}), in one
     * transaction. The answer is its holder's to deliver until {@code dispatchFrom}; after that any dispatcher takes
     * it. Refused if the run's token is stale or if any of its messages was already answered.
     */
    FencedWrite recordAnswer(AiRun run, Instant dispatchFrom);

    /**
     * Recovery: up to {@code limit} conversations, in id order after {@code after}, that have a message recorded
     * before {@code recordedBefore} which no stored answer has consumed. Paging with the last id seen walks them all.
     */
    List<ConversationId> conversationsWithUnanswered(Instant recordedBefore, Optional<ConversationId> after, int limit);

    /**
     * Recovery: up to {@code limit} of the conversation's messages that no stored answer has consumed, in timestamp
     * order, exactly as recorded. The sweeper puts them back into the pending set when the state store lost them.
     */
    List<InboundMessage> unanswered(ConversationId conversationId, int limit);

    /** The answer that covered a message, if it was answered. */
    Optional<AiReply> answerFor(ConversationId conversationId, MessageId messageId);
}
