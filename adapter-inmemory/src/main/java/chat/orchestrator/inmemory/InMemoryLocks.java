package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
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
import java.util.UUID;

/** {@link LockPort} for one process: leases expire by the store's clock, fencing counters never reset. */
public final class InMemoryLocks implements LockPort {
    private final InMemoryStore store;
    /** The state over the same store, for the combined steps; its monitor is the store's, as is ours. */
    private final InMemoryState state;

    public InMemoryLocks(InMemoryStore store) {
        this.store = store;
        this.state = new InMemoryState(store);
    }

    @Override
    public Admission acceptAndTryAcquire(InboundMessage message, Duration ttl) {
        synchronized (store) {
            AcceptOutcome accepted = state.accept(message);
            return new Admission(accepted, tryAcquire(message.conversationId(), ttl));
        }
    }

    @Override
    public LeaseCheck renewReadingPending(Lease lease, Duration ttl) {
        synchronized (store) {
            if (!renew(lease, ttl)) {
                return new LeaseCheck.Lost();
            }
            return new LeaseCheck.Held(state.pendingIds(lease.conversationId()));
        }
    }

    @Override
    public ReleaseOutcome removeAndReleaseIfNoPending(Lease lease, Set<MessageId> answered) {
        synchronized (store) {
            if (!state.removePending(lease, answered)) {
                return ReleaseOutcome.NOT_OWNER;
            }
            return releaseIfNoPending(lease);
        }
    }

    @Override
    public Optional<Lease> tryAcquire(ConversationId conversationId, Duration ttl) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(conversationId);
            if (conversation.isLocked(store.now())) {
                return Optional.empty();
            }
            long token = store.nextFencingToken(conversationId);
            String owner = UUID.randomUUID().toString();
            conversation.lock = new InMemoryStore.Lock(owner, token, store.now().plus(ttl));
            return Optional.of(new Lease(conversationId, owner, new FencingToken(token)));
        }
    }

    @Override
    public boolean renew(Lease lease, Duration ttl) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(lease.conversationId());
            if (!conversation.isLockedBy(lease.ownerToken(), store.now())) {
                return false;
            }
            conversation.lock = new InMemoryStore.Lock(lease.ownerToken(), conversation.lock.fencingToken(),
                    store.now().plus(ttl));
            return true;
        }
    }

    @Override
    public boolean release(Lease lease) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(lease.conversationId());
            if (!conversation.isLockedBy(lease.ownerToken(), store.now())) {
                return false;
            }
            conversation.lock = null;
            return true;
        }
    }

    @Override
    public ReleaseOutcome releaseIfNoPending(Lease lease) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(lease.conversationId());
            if (!conversation.isLockedBy(lease.ownerToken(), store.now())) {
                return ReleaseOutcome.NOT_OWNER;
            }
            // Ids whose body was lost count too, as in Redis (LockPort#releaseIfNoPending says why).
            if (!conversation.pending.isEmpty()) {
                return ReleaseOutcome.PENDING_REMAIN;
            }
            conversation.lock = null;
            return ReleaseOutcome.RELEASED;
        }
    }

    @Override
    public void raiseFencingFloor(ConversationId conversationId, FencingToken floor) {
        synchronized (store) {
            store.raiseFencingFloor(conversationId, floor.value());
        }
    }

    @Override
    public boolean forceRelease(ConversationId conversationId) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(conversationId);
            boolean held = conversation.isLocked(store.now());
            conversation.lock = null;
            return held;
        }
    }

    @Override
    public Optional<LockInfo> inspect(ConversationId conversationId) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(conversationId);
            if (!conversation.isLocked(store.now())) {
                return Optional.empty();
            }
            InMemoryStore.Lock lock = conversation.lock;
            return Optional.of(new LockInfo(conversationId, lock.owner(), new FencingToken(lock.fencingToken()),
                    Duration.between(store.now(), lock.expiresAt())));
        }
    }
}
