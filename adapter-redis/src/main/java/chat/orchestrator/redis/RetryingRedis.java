package chat.orchestrator.redis;

import chat.orchestrator.core.port.StoreUnavailableException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.PipeliningBase;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
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
    /** A cluster client: keys of different slots are on different nodes, so they share no round trip. */
    private final boolean clustered;

    /**
     * @param onConnectionFailure called after each connection failure, e.g. to drop pooled connections that died
     *                            with a restarted server, so the next try opens a fresh one
     */
    RetryingRedis(UnifiedJedis jedis, RedisRetryPolicy policy, Runnable onConnectionFailure) {
        this.jedis = jedis;
        this.maxAttempts = policy.maxAttempts();
        this.onConnectionFailure = onConnectionFailure;
        this.clustered = jedis instanceof RedisClusterClient;
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

    /**
     * Runs a script by its SHA-1 with one more command sent in the same round trip ({@code alongside}, e.g. an
     * update of a key in another cluster slot), retrying both on connection failures, so {@code alongside} must be
     * idempotent. Answers the script's reply; {@code alongside}'s is handed to {@code whenDone} (a Redis error as
     * the exception {@link Response#get} throws), for the caller to log: it does not decide the answer. Where the
     * server has no script, it is loaded and run again by itself; {@code alongside} ran already.
     *
     * <p>On a cluster the other key lives on another node, so there is no one round trip to share; and Jedis's
     * cluster pipeline starts a thread pool for each sync that spans nodes. There the script runs first and
     * {@code alongside} follows as a call of its own, to one node.
     */
    Object scriptAlongside(LuaScript script, List<String> keys, List<String> args,
                           Function<PipeliningBase, Response<?>> alongside, Consumer<Response<?>> whenDone,
                           String attempted) {
        return call(attempted, redis -> {
            if (clustered) {
                Object reply = evalsha(redis, script, keys, args);
                whenDone.accept(pipelined(redis, alongside));
                return reply;
            }
            Response<Object> reply;
            Response<?> other;
            try (AbstractPipeline pipeline = redis.pipelined()) {
                reply = pipeline.evalsha(script.sha1(), keys, args);
                other = alongside.apply(pipeline);
                pipeline.sync();
            }
            whenDone.accept(other);
            try {
                return reply.get();
            } catch (JedisDataException e) {
                if (!(e instanceof JedisNoScriptException) && !String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                    throw e;
                }
                redis.scriptLoad(script.source(), keys.getFirst());
                return redis.evalsha(script.sha1(), keys, args);
            }
        });
    }

    private static Response<?> pipelined(UnifiedJedis redis, Function<PipeliningBase, Response<?>> command) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<?> response = command.apply(pipeline);
            pipeline.sync();
            return response;
        }
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
