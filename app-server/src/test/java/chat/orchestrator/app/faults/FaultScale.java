package chat.orchestrator.app.faults;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How big the fault suite runs, from {@code -Dfaults.scale=default|large}: the default fits a few minutes on 2 cores
 * (it runs in every {@code .ci/run}); large has more conversations and longer fault windows. The Pancake outage is
 * two minutes in both, as the issue asks. {@code -Dfaults.phases=a,b} runs only the named phases (for debugging).
 *
 * @param conversations   conversations the traffic keeps busy, each sending bursts of 1 to 4 messages
 * @param idleMin         shortest quiet time between two bursts of one conversation
 * @param idleMax         longest quiet time between two bursts of one conversation
 * @param phase           length of an ordinary fault phase (429, slow Pancake, the kills, the restarts)
 * @param redisHung       how long Redis stays stopped (SIGSTOP): longer than the lock lease
 * @param pancakeDown     how long Pancake answers 500
 * @param quiesceBound    the longest the suite waits after the last fault for every answer to be delivered
 */
record FaultScale(String name, int conversations, Duration idleMin, Duration idleMax, Duration phase, Duration redisHung,
                  Duration pancakeDown, Duration quiesceBound, Set<String> onlyPhases) {

    /** The lease of the instances (PROCESSING_LOCK_TTL): the Redis stop must outlast it. */
    static final Duration LOCK_TTL = Duration.ofSeconds(10);

    static FaultScale fromSystemProperties() {
        String name = System.getProperty("faults.scale", "default").strip().toLowerCase(Locale.ROOT);
        Set<String> only = Arrays.stream(System.getProperty("faults.phases", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return switch (name) {
            case "", "default" -> new FaultScale("default", 24, Duration.ofSeconds(2), Duration.ofSeconds(7),
                    Duration.ofSeconds(14), Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofSeconds(120), only);
            case "large" -> new FaultScale("large", 90, Duration.ofSeconds(2), Duration.ofSeconds(7),
                    Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(180), only);
            default -> throw new IllegalArgumentException("faults.scale must be default or large, got " + name);
        };
    }

    boolean runs(String phase) {
        return onlyPhases.isEmpty() || onlyPhases.contains(phase);
    }
}
