package chat.orchestrator.redis;

import chat.orchestrator.core.port.StoreUnavailableException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The one way the adapter talks to Redis: runs a command or a script, retries it with backoff while Redis cannot
 * be reached, and turns a failure that outlasts the retries into {@link StoreUnavailableException} naming what was
 * being attempted. Whatever Redis answers (a lock held by another, a script's verdict) is returned, never retried.
 */
final class RetryingRedis implements AutoCloseable {
    private final UnifiedJedis jedis;
    private final Retry retry;
    private final int maxAttempts;
    private final Runnable onConnectionFailure;

    /**
     * @param onConnectionFailure called after each connection failure, e.g. to drop pooled connections that died
     *                            with a restarted server, so the next try opens a fresh one
     */
    RetryingRedis(UnifiedJedis jedis, RedisRetryPolicy policy, Runnable onConnectionFailure) {
        this.jedis = jedis;
        this.maxAttempts = policy.maxAttempts();
        this.onConnectionFailure = onConnectionFailure;
        this.retry = Retry.of("redis", RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        policy.initialBackoff(), 2.0, 0.25, policy.maxBackoff()))
                .retryOnException(RedisFailures::isConnectionFailure)
                .build());
    }

    /**
     * Runs {@code command}, retrying connection failures.
     *
     * @param attempted what the caller was doing, for the error: "acquiring the lock of conversation conv_1"
     */
    <T> T call(String attempted, Function<UnifiedJedis, T> command) {
        try {
            return retry.executeSupplier(() -> {
                try {
                    return command.apply(jedis);
                } catch (RuntimeException e) {
                    if (RedisFailures.isConnectionFailure(e)) {
                        onConnectionFailure.run();
                    }
                    throw e;
                }
            });
        } catch (RuntimeException e) {
            if (RedisFailures.isUnavailable(e)) {
                throw new StoreUnavailableException("Redis could not be reached while " + attempted + " (" + maxAttempts
                        + (maxAttempts == 1 ? " attempt): " : " attempts): ") + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Runs a script by its SHA-1; loads it first where the server has none (new, restarted or failed-over). */
    Object script(LuaScript script, List<String> keys, List<String> args, String attempted) {
        return call(attempted, redis -> evalsha(redis, script, keys, args));
    }

    /** The client itself, for what has no retry (health checks answer at once). */
    UnifiedJedis client() {
        return jedis;
    }

    private static Object evalsha(UnifiedJedis redis, LuaScript script, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(script.sha1(), keys, args);
        } catch (JedisNoScriptException e) {
            // The sample key routes SCRIPT LOAD to the node that owns the keys' slot in a cluster.
            redis.scriptLoad(script.source(), keys.getFirst());
            return redis.evalsha(script.sha1(), keys, args);
        }
    }

    @Override
    public void close() {
        jedis.close();
    }
}
