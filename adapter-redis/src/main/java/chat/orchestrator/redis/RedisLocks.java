package chat.orchestrator.redis;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link LockPort} on Redis. The lock is a string {@code <fencing token>:<owner token>} set with NX and a PX lease;
 * the fencing token comes from a per-conversation counter that is never deleted, drawn in the same script. Every
 * check-then-write is one Lua script, so two instances can never both see the lock free.
 */
public final class RedisLocks implements LockPort {
    private static final System.Logger LOG = System.getLogger(RedisLocks.class.getName());
    private static final LuaScript ACQUIRE = LuaScript.load("lock-acquire", "fn-acquire");
    private static final LuaScript ACCEPT_AND_ACQUIRE =
            LuaScript.load("state-accept-and-acquire", "fn-accept", "fn-acquire");
    private static final LuaScript RENEW_READING_PENDING = LuaScript.load("lock-renew-reading-pending");
    private static final LuaScript REMOVE_AND_RELEASE = LuaScript.load("lock-remove-and-release", "fn-release");
    private static final LuaScript RENEW = LuaScript.load("lock-renew");
    private static final LuaScript RELEASE = LuaScript.load("lock-release");
    private static final LuaScript RELEASE_IF_NO_PENDING = LuaScript.load("lock-release-if-no-pending", "fn-release");
    private static final LuaScript INSPECT = LuaScript.load("lock-inspect");
    private static final LuaScript RAISE_FENCING_FLOOR = LuaScript.load("lock-raise-fencing-floor");
    /** Lua counts in doubles: past 2^53 the floor plus one is the floor again, so no token could exceed it. */
    private static final long LARGEST_FLOOR = (1L << 53) - 1;

    private final RetryingRedis redis;
    private final RedisKeys keys;
    /** The state over the same keys: its accept arguments and index update go into the combined accept. */
    private final RedisState state;

    RedisLocks(RetryingRedis redis, RedisKeys keys, RedisState state) {
        this.redis = redis;
        this.keys = keys;
        this.state = state;
    }

    /**
     * One script accepts and then tries the lock; the admin index update (another slot in a cluster) is sent in
     * the same round trip. Both tokens are drawn before the call, so a retry after a lost reply is the same accept
     * and the same acquirer.
     */
    @Override
    public Admission acceptAndTryAcquire(InboundMessage message, Duration ttl) {
        ConversationId conversationId = message.conversationId();
        RedisKeys.ConversationKeys key = keys.conversation(conversationId);
        String acceptToken = UUID.randomUUID().toString();
        String owner = UUID.randomUUID().toString();
        List<String> args = new ArrayList<>(state.acceptArguments(message, acceptToken, "accept"));
        args.add(owner);
        args.add(millis(ttl));
        List<?> reply = (List<?>) redis.scriptAlongside(ACCEPT_AND_ACQUIRE,
                List.of(key.seen(), key.pending(), key.bodies(), key.summary(), key.lock(), key.fence()), args,
                pipeline -> state.indexOn(pipeline, message), update -> RedisState.indexed(conversationId, update),
                "accepting message " + message.id() + " and acquiring the lock of conversation " + conversationId);
        AcceptOutcome accepted = "ACCEPTED".equals(reply.get(0)) ? AcceptOutcome.ACCEPTED : AcceptOutcome.ALREADY_SEEN;
        long fence = (Long) reply.get(1);
        return new Admission(accepted, fence == 0 ? Optional.empty()
                : Optional.of(new Lease(conversationId, owner, new FencingToken(fence))));
    }

    @Override
    public LeaseCheck renewReadingPending(Lease lease, Duration ttl) {
        RedisKeys.ConversationKeys key = keys.conversation(lease.conversationId());
        List<?> reply = (List<?>) redis.script(RENEW_READING_PENDING, List.of(key.lock(), key.pending()),
                List.of(lockValue(lease), millis(ttl)), "renewing the lock of conversation " + lease.conversationId());
        if ((Long) reply.get(0) == 0) {
            return new LeaseCheck.Lost();
        }
        return new LeaseCheck.Held(((List<?>) reply.get(1)).stream().map(id -> MessageId.of((String) id))
                .collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public ReleaseOutcome removeAndReleaseIfNoPending(Lease lease, Set<MessageId> answered) {
        RedisKeys.ConversationKeys key = keys.conversation(lease.conversationId());
        List<String> args = new ArrayList<>(answered.size() + 1);
        args.add(lockValue(lease));
        answered.forEach(id -> args.add(id.value()));
        long verdict = (Long) redis.script(REMOVE_AND_RELEASE, List.of(key.lock(), key.pending(), key.bodies()), args,
                "removing answered messages and releasing the lock of conversation " + lease.conversationId());
        return outcome(verdict);
    }

    @Override
    public Optional<Lease> tryAcquire(ConversationId conversationId, Duration ttl) {
        RedisKeys.ConversationKeys key = keys.conversation(conversationId);
        // Drawn before the call so that a retry after a lost reply is recognised as the same acquirer.
        String owner = UUID.randomUUID().toString();
        long fence = (Long) redis.script(ACQUIRE, List.of(key.lock(), key.fence()),
                List.of(owner, millis(ttl)), "acquiring the lock of conversation " + conversationId);
        return fence == 0 ? Optional.empty()
                : Optional.of(new Lease(conversationId, owner, new FencingToken(fence)));
    }

    @Override
    public boolean renew(Lease lease, Duration ttl) {
        RedisKeys.ConversationKeys key = keys.conversation(lease.conversationId());
        return (Long) redis.script(RENEW, List.of(key.lock()), List.of(lockValue(lease), millis(ttl)),
                "renewing the lock of conversation " + lease.conversationId()) == 1;
    }

    @Override
    public boolean release(Lease lease) {
        RedisKeys.ConversationKeys key = keys.conversation(lease.conversationId());
        return (Long) redis.script(RELEASE, List.of(key.lock()), List.of(lockValue(lease)),
                "releasing the lock of conversation " + lease.conversationId()) == 1;
    }

    @Override
    public ReleaseOutcome releaseIfNoPending(Lease lease) {
        RedisKeys.ConversationKeys key = keys.conversation(lease.conversationId());
        long verdict = (Long) redis.script(RELEASE_IF_NO_PENDING, List.of(key.lock(), key.pending()),
                List.of(lockValue(lease)), "releasing the lock of conversation " + lease.conversationId());
        return outcome(verdict);
    }

    /** The release scripts' verdict: 1 released, 0 pending remain, -1 not the owner. */
    private static ReleaseOutcome outcome(long verdict) {
        if (verdict == 1) {
            return ReleaseOutcome.RELEASED;
        }
        return verdict == 0 ? ReleaseOutcome.PENDING_REMAIN : ReleaseOutcome.NOT_OWNER;
    }

    @Override
    public void raiseFencingFloor(ConversationId conversationId, FencingToken floor) {
        if (floor.value() > LARGEST_FLOOR) {
            throw new IllegalArgumentException("the fencing floor of conversation " + conversationId
                    + " must be at most 2^53 - 1 (Redis scripts count in doubles), got " + floor.value());
        }
        String fence = keys.conversation(conversationId).fence();
        // Idempotent, so a retry after a lost reply raises nothing twice.
        long raised = (Long) redis.script(RAISE_FENCING_FLOOR, List.of(fence), List.of(Long.toString(floor.value())),
                "raising the fencing floor of conversation " + conversationId);
        if (raised == 1) {
            LOG.log(System.Logger.Level.WARNING,
                    "conversation={0} fencing counter was behind durable history; raised to its floor",
                    conversationId);
        }
    }

    @Override
    public boolean forceRelease(ConversationId conversationId) {
        String lock = keys.conversation(conversationId).lock();
        // DEL of the lock alone: the fencing counter stays, so the next holder still gets a higher token.
        return redis.call("force-releasing the lock of conversation " + conversationId, r -> r.del(lock)) == 1;
    }

    @Override
    public Optional<LockInfo> inspect(ConversationId conversationId) {
        RedisKeys.ConversationKeys key = keys.conversation(conversationId);
        List<?> reply = (List<?>) redis.script(INSPECT, List.of(key.lock()), List.of(),
                "inspecting the lock of conversation " + conversationId);
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        String value = (String) reply.get(0);
        int separator = value.indexOf(':');
        long remaining = Math.max(0, (Long) reply.get(1));
        return Optional.of(new LockInfo(conversationId, value.substring(separator + 1),
                new FencingToken(Long.parseLong(value.substring(0, separator))), Duration.ofMillis(remaining)));
    }

    private static String lockValue(Lease lease) {
        return lease.fencingToken().value() + ":" + lease.ownerToken();
    }

    /** PX takes whole milliseconds; a sub-millisecond lease would be 0, which Redis rejects. */
    private static String millis(Duration ttl) {
        return Long.toString(Math.max(1, ttl.toMillis()));
    }
}
