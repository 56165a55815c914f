package chat.orchestrator.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a command is tried when Redis cannot be reached, and how long to wait in between (exponential, with
 * jitter, capped). Only connection failures are retried: an answer from Redis, such as a lock held by someone
 * else, is final.
 *
 * @param maxAttempts    tries in total, the first included (1: no retry)
 * @param initialBackoff wait after the first failure; doubles after each further one
 * @param maxBackoff     longest single wait
 */
public record RedisRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public RedisRetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("Redis retry attempts must be at least 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("Redis retry backoff must be positive");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("Redis maximum retry backoff must be at least the initial backoff");
        }
    }

    /** Three tries over about a third of a second: rides out a failover blip, fails fast when Redis is gone. */
    public static RedisRetryPolicy defaults() {
        return new RedisRetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));
    }
}
