package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
     * answers really sent: never a discarded one, nor one whose delivery ended (rejected, dead-lettered or withheld)
     * with none of its actions delivered (an answer still waiting in the outbox counts).
     */
    List<Turn> recentTurns(ConversationId conversationId, int maxTurns);

    /** Those of {@code ids} that an answer has already consumed. */
    Set<MessageId> answeredAmong(ConversationId conversationId, Set<MessageId> ids);

    /**
     * The fence at lease start: raises the conversation's highest token to {@code token}, so a paused older holder
     * can no longer commit even before this holder writes. Refused (nothing changed, the highest seen reported) if a
     * newer token was seen. A conversation with no recorded message has nothing to fence: committed.
     */
    default FencedWrite raiseFence(ConversationId conversationId, FencingToken token) {
        return raiseFence(conversationId, token, 0).write();
    }

    /**
     * {@link #raiseFence(ConversationId, FencingToken)} and, once it is committed, up to {@code unansweredLimit} of the
     * conversation's messages no stored answer has consumed, in timestamp order, exactly as recorded (as
     * {@link #unanswered}), read after the fence so nothing committed before it is missed. A holder merges them into
     * its batch: a message whose pending entry the state store lost is answered with its burst, not apart later.
     */
    default FenceRaised raiseFence(ConversationId conversationId, FencingToken token, int unansweredLimit) {
        return raiseFence(conversationId, token, FenceRaised.Reads.unanswered(unansweredLimit));
    }

    /**
     * {@link #raiseFence(ConversationId, FencingToken)} and, once it holds, in the same step, everything a pass reads
     * from history: up to {@code reads.unansweredLimit()} unanswered messages (as {@link #unanswered}), those of
     * {@code reads.batch()} an answer consumed (as {@link #answeredAmong}), the stored hand-off (as {@link #handoff})
     * and the last {@code reads.recentTurns()} turns (as {@link #recentTurns}). Every read sees everything committed
     * before the fence rose: nothing an older holder stored is missed, and no older holder stores anything after.
     */
    FenceRaised raiseFence(ConversationId conversationId, FencingToken token, FenceRaised.Reads reads);

    /** Stores a run whose answer went stale, so the cost is visible; never part of the context afterwards. */
    FencedWrite recordDiscarded(AiRun run);

    /**
     * Stores the run, marks its messages answered and queues its answer in the outbox ({@link OutboxPort}), in one
     * transaction. The answer is its holder's to deliver until {@code dispatchFrom}; after that any dispatcher takes
     * it. Refused if the run's token is stale or if any of its messages was already answered. When the answer hands
     * the conversation off ({@link AiRun#handoff()}), the hand-off is stored in the same write.
     */
    default FencedWrite recordAnswer(AiRun run, Instant dispatchFrom) {
        return commitAnswer(run, dispatchFrom, Optional.empty()).write();
    }

    /**
     * {@link #recordAnswer} and, with {@code holderClaim} present, in the same step, the holder's claim on the answer
     * for that long by the store's clock, as {@link OutboxPort#claimNext} would make it, when nothing older of the
     * conversation waits in the outbox and the answer would not be withheld there (a conversation with a stored
     * hand-off, an answer with no transfer): then the holder sends it at once, with no claim of its own. Otherwise
     * (an older answer waits, or the claim would withhold) no claim is made and the holder claims as before. The
     * claimed delivery is the stored answer's: no attempts, nothing delivered, queued at {@link AiRun#finishedAt}.
     */
    CommittedAnswer commitAnswer(AiRun run, Instant dispatchFrom, Optional<Duration> holderClaim);

    /**
     * A burst received while people have the conversation: marks the messages consumed with no answer (they are
     * answered as far as dedup and recovery go, but no answer covers them and they are no turn of the AI's context),
     * and moves the hand-off's last activity to {@code at}, in one fenced write. Refused as {@link #recordAnswer} is,
     * and with {@link FencedWrite.Reason#NOT_HANDED_OFF} when the conversation has no hand-off stored any more (it was
     * resumed after the worker read it): then nothing is written and the bot answers the burst. The burst is kept as
     * the stored hand-off's: if that hand-off is lifted (an AI transfer that reached no one, see
     * {@link OutboxPort#recordAttempt}), exactly these messages become unanswered again.
     */
    FencedWrite recordHandedOff(ConversationId conversationId, FencingToken token, Set<MessageId> ids, Instant at);

    /** The conversation's hand-off as stored, whether or not its idle time has run out. */
    Optional<Handoff> handoff(ConversationId conversationId);

    /** The stored hand-offs of those of {@code ids} that have one, in one read: for the admin listing. */
    Map<ConversationId, Handoff> handoffs(Set<ConversationId> ids);

    /**
     * Stores {@code handoff} for the conversation, replacing any earlier one; false (nothing stored) when the
     * conversation has no recorded message.
     */
    boolean handOff(ConversationId conversationId, Handoff handoff);

    /** Removes the conversation's hand-off if it has one; false when the conversation has no recorded message. */
    boolean resume(ConversationId conversationId);

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
