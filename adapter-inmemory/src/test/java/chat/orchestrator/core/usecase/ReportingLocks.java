package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.LockInfo;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.ReleaseOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-memory lock, reporting each renewal and acquisition so a test can wait for one instead of sleeping. */
final class ReportingLocks implements LockPort {
    private final LockPort locks;
    private final Semaphore renewed = new Semaphore(0);
    private final Semaphore acquired = new Semaphore(0);
    /** Renewals of either kind: {@link #renew} and {@link #renewReadingPending}. */
    final AtomicInteger renewals = new AtomicInteger();
    /** Calls of {@link #renew} alone (a pass's renewal, or one while the AI runs). */
    final AtomicInteger plainRenewals = new AtomicInteger();

    ReportingLocks(LockPort locks) {
        this.locks = locks;
    }

    /** Waits (bounded) for the next renewal that succeeded or failed; fails the test if none comes. */
    void awaitRenewal() throws InterruptedException {
        if (!renewed.tryAcquire(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the lease was not renewed");
        }
    }

    void awaitAcquired() throws InterruptedException {
        if (!acquired.tryAcquire(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the lock was not acquired");
        }
    }

    @Override
    public Optional<Lease> tryAcquire(ConversationId conversationId, Duration ttl) {
        Optional<Lease> lease = locks.tryAcquire(conversationId, ttl);
        lease.ifPresent(l -> acquired.release());
        return lease;
    }

    @Override
    public boolean renew(Lease lease, Duration ttl) {
        plainRenewals.incrementAndGet();
        try {
            return locks.renew(lease, ttl);
        } finally {
            renewals.incrementAndGet();
            renewed.release();
        }
    }

    @Override
    public Admission acceptAndTryAcquire(InboundMessage message, Duration ttl) {
        Admission admission = locks.acceptAndTryAcquire(message, ttl);
        admission.lease().ifPresent(l -> acquired.release());
        return admission;
    }

    /** Counts as a renewal: it is one, with the pending ids read in the same step. */
    @Override
    public LeaseCheck renewReadingPending(Lease lease, Duration ttl) {
        try {
            return locks.renewReadingPending(lease, ttl);
        } finally {
            renewals.incrementAndGet();
            renewed.release();
        }
    }

    @Override
    public ReleaseOutcome removeAndReleaseIfNoPending(Lease lease, Set<MessageId> answered) {
        return locks.removeAndReleaseIfNoPending(lease, answered);
    }

    @Override
    public boolean release(Lease lease) {
        return locks.release(lease);
    }

    @Override
    public ReleaseOutcome releaseIfNoPending(Lease lease) {
        return locks.releaseIfNoPending(lease);
    }

    @Override
    public void raiseFencingFloor(ConversationId conversationId, FencingToken floor) {
        locks.raiseFencingFloor(conversationId, floor);
    }

    @Override
    public boolean forceRelease(ConversationId conversationId) {
        return locks.forceRelease(conversationId);
    }

    @Override
    public Optional<LockInfo> inspect(ConversationId conversationId) {
        return locks.inspect(conversationId);
    }
}
