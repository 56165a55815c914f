package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The per-conversation lock with leases and fencing tokens. Each method is one atomic operation in its store.
 * Must live in the same store as {@link StatePort}: {@link #releaseIfNoPending} reads the pending messages, and the
 * combined steps of the hot path ({@link #acceptAndTryAcquire}, {@link #renewReadingPending},
 * {@link #removeAndReleaseIfNoPending}) change or read both in one atomic operation, one round trip.
 * Methods throw {@link StoreUnavailableException} when the store cannot be reached, never answer "acquired" then.
 */
public interface LockPort {

    /** Takes the lock if free, with a new owner token and the next fencing token of the conversation. */
    Optional<Lease> tryAcquire(ConversationId conversationId, Duration ttl);

    /**
     * {@link StatePort#accept} then {@link #tryAcquire}, in one atomic step and in that order: the message is in the
     * pending set before the lock is tried, so a holder that releases only when nothing is pending cannot miss it
     * (docs/design.md, steps 3 and 8). A message whose id was seen is not added, and the lock is still tried.
     */
    Admission acceptAndTryAcquire(InboundMessage message, Duration ttl);

    /**
     * {@link #renew} and, if the lease is still ours, {@link StatePort#pendingIds}, in one atomic step: the holder
     * proves it holds the lock and learns whether a newer message made its answer stale, in one round trip.
     */
    LeaseCheck renewReadingPending(Lease lease, Duration ttl);

    /**
     * {@link StatePort#removePending} of {@code answered} then {@link #releaseIfNoPending}, in one atomic step: nothing
     * is removed or released unless the lease is ours ({@link ReleaseOutcome#NOT_OWNER}); the lock is kept when any
     * other id is pending, a bodiless one included ({@link ReleaseOutcome#PENDING_REMAIN}).
     */
    ReleaseOutcome removeAndReleaseIfNoPending(Lease lease, Set<MessageId> answered);

    /** Extends the lease to {@code ttl} from now if it is still this lease's; false if it was lost. */
    boolean renew(Lease lease, Duration ttl);

    /** Deletes the lock if it is still this lease's (compare-and-delete); false if it was not. */
    boolean release(Lease lease);

    /**
     * Deletes the lock only if it is this lease's and the conversation has no pending message, in one step. A pending
     * id whose body is lost ({@link StatePort}) counts as pending: the answer is {@link ReleaseOutcome#PENDING_REMAIN}
     * and the holder's next {@link StatePort#snapshot} drops and reports it, so it keeps the lock for one more pass,
     * never for good. Ignoring it here instead would let go of the lock with a message accepted after the holder's
     * last snapshot forgotten by the store and by every holder; counting it keeps that message the holder's.
     */
    ReleaseOutcome releaseIfNoPending(Lease lease);

    /**
     * Makes every fencing token handed out from now on greater than {@code floor}; never lowers the counter. Used when
     * durable history has seen a higher token than this store hands out (the store lost its counter).
     */
    void raiseFencingFloor(ConversationId conversationId, FencingToken floor);

    /** Deletes the lock whoever holds it (admin action); true if there was one. The fencing counter stays. */
    boolean forceRelease(ConversationId conversationId);

    /** The lock as it is now, if held. */
    Optional<LockInfo> inspect(ConversationId conversationId);
}
