package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.TimestampOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one store behind {@link InMemoryLocks} and {@link InMemoryState}, as Redis is behind both of theirs: the lock
 * must see pending messages to release atomically. Every operation holds the store's monitor, which is what makes
 * each port method one atomic step; TTLs are read from the clock.
 */
public final class InMemoryStore {
    private final Clock clock;
    private final Duration stateTtl;
    private final Map<ConversationId, Conversation> conversations = new HashMap<>();
    private final Map<ConversationId, Long> fencingCounters = new HashMap<>();

    public InMemoryStore(Clock clock, Duration stateTtl) {
        this.clock = clock;
        this.stateTtl = stateTtl;
    }

    public InMemoryStore(Clock clock) {
        this(clock, Duration.ofHours(1));
    }

    Clock clock() {
        return clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** The conversation's entry, dropping it first if its state has expired with nothing left to do. */
    Conversation conversation(ConversationId id) {
        Conversation conversation = conversations.computeIfAbsent(id, Conversation::new);
        if (conversation.isExpired(now(), stateTtl)) {
            conversation = new Conversation(id);
            conversations.put(id, conversation);
        }
        return conversation;
    }

    Map<ConversationId, Conversation> conversations() {
        conversations.values().removeIf(c -> c.isExpired(now(), stateTtl) || c.isEmpty());
        return conversations;
    }

    /** Fencing counters outlive locks and conversation state, so tokens never repeat. */
    long nextFencingToken(ConversationId id) {
        return fencingCounters.merge(id, 1L, Long::sum);
    }

    /** Tokens drawn after this are above {@code floor}; a counter already higher stays as it is. */
    void raiseFencingFloor(ConversationId id, long floor) {
        fencingCounters.merge(id, floor, Math::max);
    }

    /**
     * What Redis can lose of one conversation, for {@link #lose}: a key evicted under a {@code volatile-*}
     * maxmemory policy, or the last writes dropped by a failover.
     */
    public enum Loss {
        /** The body of the oldest pending message that still has one; its id stays pending, as in Redis. */
        ONE_BODY,
        /** Every pending message's body (Redis evicts the whole bodies hash); the ids stay pending. */
        BODIES,
        /** The pending ids and their bodies; the seen ids stay, so a redelivery is taken for a duplicate. */
        PENDING_SET,
        /**
         * The fencing counter: the next token starts again from 1, below what durable history has seen. (Redis draws
         * no token below its clock in microseconds, so there this shows only once tokens had run ahead of the clock.)
         */
        FENCING_COUNTER,
        /** The seen ids: a redelivered message is accepted again. */
        SEEN_IDS,
        /** The lock, whoever held it: another caller can take it while the holder still works. */
        LOCK
    }

    /**
     * Loses one part of the conversation's state as Redis can lose it (eviction under a {@code volatile-*} policy, a
     * failover that drops the last writes), so fault tests and simulations see what the Redis adapter would show.
     * Atomic like every operation of the store.
     */
    public synchronized void lose(ConversationId id, Loss loss) {
        Conversation conversation = conversation(id);
        switch (loss) {
            case ONE_BODY -> conversation.pending.stream()
                    .filter(m -> !conversation.lostBodies.contains(m.id()))
                    .findFirst()
                    .ifPresent(m -> conversation.lostBodies.add(m.id()));
            case BODIES -> conversation.pending.forEach(m -> conversation.lostBodies.add(m.id()));
            case PENDING_SET -> {
                conversation.pending.clear();
                conversation.lostBodies.clear();
            }
            case FENCING_COUNTER -> fencingCounters.remove(id);
            case SEEN_IDS -> conversation.seen.clear();
            case LOCK -> conversation.lock = null;
        }
    }

    /**
     * Loses the body of this pending message alone, its id staying pending, as Redis can (eviction under a
     * {@code volatile-*} policy, a failover that drops the last writes); for fault tests. Nothing happens if it is
     * not pending.
     */
    public synchronized void loseBody(ConversationId id, MessageId messageId) {
        Conversation conversation = conversation(id);
        if (conversation.pending.stream().anyMatch(m -> m.id().equals(messageId))) {
            conversation.lostBodies.add(messageId);
        }
    }

    /** Everything the store keeps for one conversation. */
    static final class Conversation {
        final ConversationId id;
        final Set<MessageId> seen = new HashSet<>();
        final TreeSet<InboundMessage> pending = new TreeSet<>(TimestampOrder.MESSAGES);
        /**
         * Pending ids whose body is lost ({@link #loseBody}, {@link Loss#ONE_BODY}): they keep their place in {@link #pending}, whose
         * entries for them must never be handed out, as Redis keeps the id in its sorted set with no body to read.
         */
        final Set<MessageId> lostBodies = new HashSet<>();
        Lock lock;
        InboundMessage latest;
        long totalMessages;
        Instant updatedAt = Instant.EPOCH;

        Conversation(ConversationId id) {
            this.id = id;
        }

        boolean isExpired(Instant now, Duration ttl) {
            return pending.isEmpty() && !isLocked(now) && updatedAt.plus(ttl).isBefore(now);
        }

        boolean isEmpty() {
            return latest == null && lock == null && pending.isEmpty();
        }

        boolean isLocked(Instant now) {
            return lock != null && lock.expiresAt().isAfter(now);
        }

        boolean isLockedBy(String owner, Instant now) {
            return isLocked(now) && lock.owner().equals(owner);
        }
    }

    /** A held lock: owner token, fencing token and when it expires. */
    record Lock(String owner, long fencingToken, Instant expiresAt) {
    }
}
