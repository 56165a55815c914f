package chat.orchestrator.redis;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.TimestampOrder;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import redis.clients.jedis.PipeliningBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZRangeParams;

/**
 * {@link StatePort} on Redis. Per conversation: a seen hash (dedup), a pending sorted set scored by timestamp in
 * microseconds with the bodies in a hash, and a summary hash; each change is one script over these keys, which
 * share a hash tag. The admin index is one global sorted set in another slot, so it is updated after the
 * conversation's script and pruned lazily when a listing finds a summary that has expired.
 */
public final class RedisState implements StatePort {
    private static final System.Logger LOG = System.getLogger(RedisState.class.getName());
    private static final LuaScript ACCEPT = LuaScript.load("state-accept", "fn-accept");
    private static final LuaScript PENDING = LuaScript.load("state-pending");
    private static final LuaScript SNAPSHOT = LuaScript.load("state-snapshot");
    private static final LuaScript REMOVE_PENDING = LuaScript.load("state-remove-pending");
    private static final LuaScript SUMMARY = LuaScript.load("state-summary");
    private static final LuaScript REMOVE_IDLE = LuaScript.load("state-remove-idle");
    private static final int CLEANUP_PAGE = 500;
    /** A listing that keeps meeting expired entries stops pruning after this many passes; its page may be short. */
    private static final int MAX_PRUNING_PASSES = 5;

    private final RetryingRedis redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final String stateTtlMillis;
    private final String dedupTtlMillis;

    RedisState(RetryingRedis redis, RedisKeys keys, Clock clock, Duration conversationStateTtl, Duration dedupTtl) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.stateTtlMillis = Long.toString(conversationStateTtl.toMillis());
        this.dedupTtlMillis = Long.toString(dedupTtl.toMillis());
    }

    @Override
    public AcceptOutcome accept(InboundMessage message) {
        return add(message, "accept", "accepting") ? AcceptOutcome.ACCEPTED : AcceptOutcome.ALREADY_SEEN;
    }

    @Override
    public boolean requeue(InboundMessage message) {
        return add(message, "requeue", "requeueing");
    }

    /** One accept script for both: {@code requeue} skips the seen check and asks only whether it is pending. */
    private boolean add(InboundMessage message, String mode, String attempted) {
        RedisKeys.ConversationKeys key = keys.conversation(message.conversationId());
        // Drawn before the call so that a retry after a lost reply is recognised as this accept, not a duplicate.
        String acceptToken = UUID.randomUUID().toString();
        List<?> reply = (List<?>) redis.script(ACCEPT,
                List.of(key.seen(), key.pending(), key.bodies(), key.summary()),
                acceptArguments(message, acceptToken, mode),
                attempted + " message " + message.id() + " of conversation " + message.conversationId());
        if (!"ACCEPTED".equals(reply.getFirst())) {
            return false;
        }
        if (reply.size() > 1) {
            index(message.conversationId(), Long.parseLong((String) reply.get(1)));
        }
        return true;
    }

    /** The accept function's arguments (fn-accept.lua, A[1..9]), for this class's scripts and the lock's. */
    List<String> acceptArguments(InboundMessage message, String acceptToken, String mode) {
        return List.of(message.id().value(), acceptToken, Long.toString(scoreOf(message.timestamp())),
                message.timestamp().toString(), MessageJson.write(message),
                Long.toString(clock.millis()), stateTtlMillis, dedupTtlMillis, mode);
    }

    /**
     * Queues the index update of an accept on a pipeline, to go in the accept's round trip. The message's own
     * score with {@code GT} gives what the summary's newest score would: the index only ever rises to the newest
     * message accepted. A duplicate's score was indexed when it was first accepted (or the listing prunes it).
     */
    Response<Long> indexOn(PipeliningBase pipeline, InboundMessage message) {
        return pipeline.zadd(keys.conversationIndex(), scoreOf(message.timestamp()),
                message.conversationId().value(), ZAddParams.zAddParams().gt());
    }

    /** The index is for the admin listing only: an update that failed is logged, and the next accept writes it. */
    static void indexed(ConversationId conversationId, Response<?> update) {
        try {
            update.get();
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "conversation={0} accepted but not indexed: {1}", conversationId,
                    failed.getMessage());
        }
    }

    @Override
    public List<InboundMessage> pending(ConversationId conversationId, int limit) {
        if (limit < 1) {
            return List.of();
        }
        RedisKeys.ConversationKeys key = keys.conversation(conversationId);
        List<?> bodies = (List<?>) redis.script(PENDING, List.of(key.pending(), key.bodies()),
                List.of(Integer.toString(limit)), "reading the pending messages of conversation " + conversationId);
        // Redis orders equal scores by the ids' bytes; sorting again applies the core's own order exactly.
        return bodies.stream().map(body -> MessageJson.read((String) body)).sorted(TimestampOrder.MESSAGES).toList();
    }

    /**
     * One script reads the batch and every pending id, and drops the ids whose body is gone. It may hand over more
     * than {@code limit} messages when the last ones tie on their microsecond score; sorting by the core's order and
     * cutting here makes the batch exactly the core's oldest {@code limit}.
     */
    @Override
    public PendingSnapshot snapshot(ConversationId conversationId, int limit) {
        int size = Math.max(0, limit);
        RedisKeys.ConversationKeys key = keys.conversation(conversationId);
        List<?> reply = (List<?>) redis.script(SNAPSHOT, List.of(key.pending(), key.bodies()),
                List.of(Integer.toString(size)), "reading the pending snapshot of conversation " + conversationId);
        List<InboundMessage> batch = ((List<?>) reply.get(0)).stream().map(body -> MessageJson.read((String) body))
                .sorted(TimestampOrder.MESSAGES).limit(size).toList();
        Set<MessageId> ids = idsOf(reply.get(1));
        Set<MessageId> bodiless = idsOf(reply.get(2));
        if (!bodiless.isEmpty()) {
            // Redis lost data it was given (eviction of a key with a TTL, or a failover): the operator should know.
            LOG.log(System.Logger.Level.WARNING, "conversation={0} {1} pending message(s) had lost their body and "
                    + "were dropped from the pending set: {2}; is maxmemory-policy noeviction?", conversationId,
                    bodiless.size(), bodiless);
        }
        return new PendingSnapshot(batch, ids, bodiless);
    }

    private static Set<MessageId> idsOf(Object reply) {
        return ((List<?>) reply).stream().map(id -> MessageId.of((String) id)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Set<MessageId> pendingIds(ConversationId conversationId) {
        String pending = keys.conversation(conversationId).pending();
        List<String> ids = redis.call("reading the pending ids of conversation " + conversationId,
                r -> r.zrange(pending, 0, -1));
        return ids.stream().map(MessageId::of).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean removePending(Lease lease, Set<MessageId> ids) {
        RedisKeys.ConversationKeys key = keys.conversation(lease.conversationId());
        List<String> args = new ArrayList<>(ids.size() + 1);
        args.add(lease.fencingToken().value() + ":" + lease.ownerToken());
        ids.forEach(id -> args.add(id.value()));
        return (Long) redis.script(REMOVE_PENDING, List.of(key.lock(), key.pending(), key.bodies()), args,
                "removing answered messages of conversation " + lease.conversationId()) == 1;
    }

    @Override
    public Optional<ConversationState> conversation(ConversationId conversationId) {
        RedisKeys.ConversationKeys key = keys.conversation(conversationId);
        List<?> fields = (List<?>) redis.script(SUMMARY, List.of(key.summary(), key.pending()), List.of(),
                "reading the summary of conversation " + conversationId);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ConversationState(conversationId, MessageId.of((String) fields.get(0)),
                Instant.parse((String) fields.get(1)), Long.parseLong((String) fields.get(2)),
                Math.toIntExact((Long) fields.get(4)), Instant.ofEpochMilli(Long.parseLong((String) fields.get(3)))));
    }

    /**
     * Pages through the index, newest message first. The index outlives summaries that expire, so entries without
     * a summary are pruned and the page read again; the total counts entries not yet pruned, an upper bound.
     */
    @Override
    public ConversationPage conversations(int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, got " + offset + ", " + limit);
        }
        List<ConversationState> page = List.of();
        for (int pass = 0; pass < MAX_PRUNING_PASSES; pass++) {
            ZRangeParams newestFirst = ZRangeParams.zrangeParams(offset, offset + limit - 1L).rev();
            List<String> members = redis.call("listing conversations",
                    r -> r.zrange(keys.conversationIndex(), newestFirst));
            page = new ArrayList<>();
            List<ConversationId> expired = new ArrayList<>();
            for (String member : members) {
                ConversationId id = ConversationId.of(member);
                conversation(id).ifPresentOrElse(page::add, () -> expired.add(id));
            }
            if (expired.isEmpty()) {
                break;
            }
            expired.forEach(this::prune);
        }
        long total = redis.call("counting conversations", r -> r.zcard(keys.conversationIndex()));
        return new ConversationPage(total, page);
    }

    /**
     * Walks the whole index, oldest message first, one script per conversation: an admin operation, never on a
     * request path. Entries are removed from the index only after their state, so a crash leaves at worst a stale
     * entry that the next listing prunes.
     */
    @Override
    public long removeIdleConversations(Instant cutoff) {
        long removed = 0;
        long rank = 0;
        while (true) {
            long from = rank;
            List<String> members = redis.call("listing conversations for cleanup",
                    r -> r.zrange(keys.conversationIndex(), ZRangeParams.zrangeParams(from, from + CLEANUP_PAGE - 1)));
            if (members.isEmpty()) {
                return removed;
            }
            for (String member : members) {
                ConversationId id = ConversationId.of(member);
                RedisKeys.ConversationKeys key = keys.conversation(id);
                long outcome = (Long) redis.script(REMOVE_IDLE,
                        List.of(key.lock(), key.pending(), key.summary(), key.seen(), key.bodies()),
                        List.of(Long.toString(cutoff.toEpochMilli())), "cleaning up conversation " + id);
                if (outcome == 0) {
                    rank++;
                } else {
                    removed += outcome == 1 ? 1 : 0;
                    prune(id);
                }
            }
        }
    }

    private void index(ConversationId conversationId, long latestScore) {
        try {
            // GT: of two accepts racing to update the index, the older message's score cannot overwrite the newer.
            redis.call("indexing conversation " + conversationId, r -> r.zadd(keys.conversationIndex(),
                    latestScore, conversationId.value(), ZAddParams.zAddParams().gt()));
        } catch (StoreUnavailableException unreachable) {
            // The message is accepted (the script ran); failing now would make the caller's retry look like a
            // duplicate. The index only serves the admin listing and is written again by the next accept.
            LOG.log(System.Logger.Level.WARNING, "conversation={0} accepted but not indexed: {1}", conversationId,
                    unreachable.getMessage());
        }
    }

    /**
     * Drops an expired conversation from the index, then looks again: an accept that recreated the summary in
     * between would otherwise lose its index entry to this removal.
     */
    private void prune(ConversationId conversationId) {
        redis.call("pruning conversation " + conversationId + " from the index",
                r -> r.zrem(keys.conversationIndex(), conversationId.value()));
        conversation(conversationId).ifPresent(state ->
                index(conversationId, scoreOf(state.lastMessageTimestamp())));
    }

    /**
     * Microseconds since the epoch: exact in a double (Redis scores) until past the year 2200, and fine enough that
     * only messages within one microsecond fall back to the id order.
     */
    static long scoreOf(Instant timestamp) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, timestamp);
    }
}
