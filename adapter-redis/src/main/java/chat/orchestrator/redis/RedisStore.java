package chat.orchestrator.redis;

import java.time.Clock;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis adapter in one piece: one connection pool (or cluster client) shared by the lock, state and job ports
 * and the stats, as {@link chat.orchestrator.core.port.LockPort} requires locks and state to share a store.
 * Close it to close the pool.
 */
public final class RedisStore implements AutoCloseable {
    private final RedisSettings settings;
    private final RetryingRedis redis;
    private final RedisLocks locks;
    private final RedisState state;
    private final RedisJobs jobs;
    private final RedisStats stats;
    private final UnifiedJedis client;

    private RedisStore(RedisSettings settings, UnifiedJedis client, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.redis = new RetryingRedis(client, settings.retry(), RedisClients.idleConnectionDropper(client));
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        this.state = new RedisState(redis, keys, clock, settings.conversationStateTtl(), settings.dedupTtl());
        this.locks = new RedisLocks(redis, keys, state);
        this.jobs = new RedisJobs(redis, keys);
        this.stats = new RedisStats(redis);
    }

    /** Opens a pool to the Redis the settings name; time stamps of conversation summaries come from the system. */
    public static RedisStore open(RedisSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /**
     * Opens a pool to the Redis the settings name.
     *
     * @throws chat.orchestrator.core.port.StoreUnavailableException if a cluster cannot be reached to read its slots
     */
    public static RedisStore open(RedisSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        return new RedisStore(settings, RedisClients.connect(settings), clock);
    }

    public RedisLocks locks() {
        return locks;
    }

    public RedisState state() {
        return state;
    }

    public RedisJobs jobs() {
        return jobs;
    }

    public RedisStats stats() {
        return stats;
    }

    /** The connection pool (a cluster's pools summed) as it is now. */
    public RedisPoolFigures poolFigures() {
        return RedisPoolFigures.of(client);
    }

    public RedisSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        redis.close();
    }
}
