package chat.orchestrator.core.usecase;

import chat.orchestrator.core.DeliverySettings;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is due again: exponential from the initial backoff, capped, with "equal jitter" (half fixed,
 * half random) so instances that failed together do not retry together; never sooner than Pancake's Retry-After.
 */
final class DeliveryBackoff {
    /** A Retry-After beyond this is taken as a mistake, not as an order to stop for hours. */
    static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(10);

    private final DeliverySettings settings;
    private final Supplier<RandomGenerator> random;

    DeliveryBackoff(DeliverySettings settings, Supplier<RandomGenerator> random) {
        this.settings = settings;
        this.random = random;
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    Duration after(int attempts, Optional<Duration> retryAfter) {
        long initial = settings.initialBackoff().toMillis();
        long cap = settings.maxBackoff().toMillis();
        long exponential = initial;
        for (int doubled = 1; doubled < attempts && exponential < cap; doubled++) {
            exponential *= 2;
        }
        exponential = Math.min(cap, exponential);
        long half = exponential / 2;
        long jittered = half + random.get().nextLong(exponential - half + 1);
        Duration wait = Duration.ofMillis(jittered);
        Duration asked = retryAfter.map(d -> d.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : d)
                .orElse(Duration.ZERO);
        return asked.compareTo(wait) > 0 ? asked : wait;
    }
}
