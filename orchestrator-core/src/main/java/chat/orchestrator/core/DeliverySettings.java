package chat.orchestrator.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How answers are delivered from the outbox, validated once. Failed attempts back off exponentially with jitter up
 * to {@code maxBackoff} (or longer when Pancake says {@code Retry-After}), until {@code maxAge} after the answer was
 * made; only then is it a dead letter.
 *
 * @param maxAge           the delivery horizon ({@code PANCAKE_DELIVERY_MAX_AGE})
 * @param initialBackoff   wait after the first failed attempt; doubles per attempt
 * @param maxBackoff       the longest wait between attempts ({@code PANCAKE_DELIVERY_MAX_BACKOFF}), so answers flow
 *                         again soon after Pancake is back
 * @param claimFor         how long a claim holds an answer; renewed every third of it while a send runs
 * @param holderGrace      how long a fresh answer is left to its holder before any dispatcher takes it
 * @param dispatchInterval how often each instance looks for due answers (zero: only when asked)
 * @param maxConcurrentSends most sends one instance runs at once (one per conversation at most)
 */
public record DeliverySettings(Duration maxAge, Duration initialBackoff, Duration maxBackoff, Duration claimFor,
                               Duration holderGrace, Duration dispatchInterval, int maxConcurrentSends) {

    public DeliverySettings {
        positive(maxAge, "maxAge");
        positive(initialBackoff, "initialBackoff");
        positive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
        }
        positive(claimFor, "claimFor");
        positive(holderGrace, "holderGrace");
        Objects.requireNonNull(dispatchInterval, "dispatchInterval");
        if (dispatchInterval.isNegative()) {
            throw new IllegalArgumentException("dispatchInterval must not be negative");
        }
        if (maxConcurrentSends < 1) {
            throw new IllegalArgumentException("maxConcurrentSends must be at least 1");
        }
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(1), 16);
    }

    public DeliverySettings withMaxAge(Duration value) {
        return new DeliverySettings(value, initialBackoff, maxBackoff, claimFor, holderGrace, dispatchInterval,
                maxConcurrentSends);
    }

    public DeliverySettings withBackoff(Duration initial, Duration max) {
        return new DeliverySettings(maxAge, initial, max, claimFor, holderGrace, dispatchInterval, maxConcurrentSends);
    }

    public DeliverySettings withDispatchInterval(Duration value) {
        return new DeliverySettings(maxAge, initialBackoff, maxBackoff, claimFor, holderGrace, value, maxConcurrentSends);
    }

    public DeliverySettings withClaim(Duration claim, Duration grace) {
        return new DeliverySettings(maxAge, initialBackoff, maxBackoff, claim, grace, dispatchInterval, maxConcurrentSends);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
