package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fast, shared state of conversations: which message ids were seen, which are pending, and a summary per
 * conversation. Each method is one atomic operation in its store; shares its store with {@link LockPort}.
 *
 * <p>A pending message is an id in the pending ordering plus its body, and the store may lose a body while the id
 * stays pending (Redis evicts keys with a TTL under {@code volatile-*} policies; a failover drops the last writes).
 * Such a bodiless id is never handed out as a message: {@link #pending} skips it, {@link #pendingIds} still counts
 * it, and the next {@link #snapshot} drops it from the pending set and reports it in
 * {@link PendingSnapshot#bodiless()}, for the holder to requeue from durable history.
 */
public interface StatePort {

    /**
     * Marks the id seen and adds the message to the pending set, ordered by timestamp, updating the conversation
     * summary, all in one step; {@link AcceptOutcome#ALREADY_SEEN} changes nothing.
     */
    AcceptOutcome accept(InboundMessage message);

    /**
     * Recovery: puts a message durable history still holds unanswered back into the pending set, whatever the seen
     * ids say (the store lost the pending entry, not the fact that the id was seen). Answers true if it was missing
     * and is now pending, false if it was pending already. A message already answered that slips back in this way
     * is dropped by the next worker, which checks history before answering. An id still pending whose body was lost
     * counts as missing: its body is stored again and the answer is true.
     */
    boolean requeue(InboundMessage message);

    /**
     * Up to {@code limit} pending messages, oldest timestamp first (ties by message id). A pending id whose body is
     * lost is skipped (so fewer may come back) and left pending; only {@link #snapshot} drops it.
     */
    List<InboundMessage> pending(ConversationId conversationId, int limit);

    /**
     * The batch to answer (up to {@code limit} oldest pending messages) and the ids of all pending messages, read in
     * one atomic step: a message accepted at any moment is either in {@code ids} or arrives after, and so is newer.
     *
     * <p>In the same step, every pending id whose body is lost (wherever it sits in the order, not only within the
     * batch's reach) is removed from the pending set and reported in {@link PendingSnapshot#bodiless()}, never in
     * {@code batch} or {@code ids}; the batch is cut from the ids that still have their body. The caller must put
     * the bodiless ones back from history ({@link HistoryPort#unanswered}, then {@link #requeue}): the store forgot
     * them, and nothing else reports them until the sweeper finds them unanswered in history. A holder that requeues
     * them and snapshots again gets them in the batch.
     */
    PendingSnapshot snapshot(ConversationId conversationId, int limit);

    /**
     * The ids of all pending messages; cheap enough to poll while the AI runs. Includes ids whose body is lost: a
     * new one among them makes the running answer stale as any newer message does, and the holder's next snapshot
     * reports it as bodiless.
     */
    Set<MessageId> pendingIds(ConversationId conversationId);

    /**
     * Removes exactly these ids from the pending set if {@code lease} still holds the lock; false (and nothing
     * removed) if it does not.
     */
    boolean removePending(Lease lease, Set<MessageId> ids);

    /** The conversation's summary, if it has one that has not expired. */
    Optional<ConversationState> conversation(ConversationId conversationId);

    /** A page of conversation summaries, most recently active first. */
    ConversationPage conversations(int offset, int limit);

    /**
     * Admin cleanup: forgets the state (summary, seen ids) of every conversation last active before {@code cutoff}
     * that has no pending message and no lock, and answers how many it removed. Fencing counters always stay, and
     * durable history keeps deduplicating the messages whose seen ids are gone.
     */
    long removeIdleConversations(Instant cutoff);
}
