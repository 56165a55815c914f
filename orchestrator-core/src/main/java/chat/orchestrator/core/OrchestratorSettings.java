package chat.orchestrator.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Every timing and size the use cases depend on, validated once. Tests shrink the waits to milliseconds; the
 * defaults are what a production chat bot wants.
 *
 * @param lockTtl             lease length of a conversation lock; renewed every third of it while the AI runs
 * @param consolidationWindow quiet time that lets a burst finish before the AI is called (zero: no wait)
 * @param consolidationMaxWait upper bound on waiting for quiet, so a chatty customer still gets an answer
 * @param answerWait          how long a synchronous caller waits for the outcome covering its message
 * @param pollInterval        how often pending messages are polled while waiting for quiet or for the AI
 * @param maxBatchSize        most messages answered in one AI call
 * @param contextTurns        earlier turns given to the AI
 * @param cancelOnNewerMessage cancel a running AI call as soon as a newer message arrives
 * @param sweepInterval       how often the sweeper looks for abandoned conversations (zero: never)
 * @param sweepScanLimit      conversations the sweeper reads per page (it pages through all of them)
 * @param delivery            how answers are delivered from the outbox
 */
public record OrchestratorSettings(
        Duration lockTtl,
        Duration consolidationWindow,
        Duration consolidationMaxWait,
        Duration answerWait,
        Duration pollInterval,
        int maxBatchSize,
        int contextTurns,
        boolean cancelOnNewerMessage,
        Duration sweepInterval,
        int sweepScanLimit,
        DeliverySettings delivery) {

    public OrchestratorSettings {
        requirePositive(lockTtl, "lockTtl");
        Objects.requireNonNull(consolidationWindow, "consolidationWindow");
        if (consolidationWindow.isNegative()) {
            throw new IllegalArgumentException("consolidationWindow must not be negative");
        }
        Objects.requireNonNull(consolidationMaxWait, "consolidationMaxWait");
        if (consolidationMaxWait.compareTo(consolidationWindow) < 0) {
            throw new IllegalArgumentException("consolidationMaxWait must be at least consolidationWindow");
        }
        if (consolidationMaxWait.compareTo(lockTtl.dividedBy(2)) > 0) {
            // The lease is not renewed while waiting for quiet; half the TTL leaves room for slow stores.
            throw new IllegalArgumentException("consolidationMaxWait must be at most half of lockTtl");
        }
        requirePositive(answerWait, "answerWait");
        requirePositive(pollInterval, "pollInterval");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1");
        }
        if (contextTurns < 0) {
            throw new IllegalArgumentException("contextTurns must not be negative");
        }
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        if (sweepInterval.isNegative()) {
            throw new IllegalArgumentException("sweepInterval must not be negative");
        }
        if (sweepScanLimit < 1) {
            throw new IllegalArgumentException("sweepScanLimit must be at least 1");
        }
        Objects.requireNonNull(delivery, "delivery");
    }

    public static OrchestratorSettings defaults() {
        return new OrchestratorSettings(
                Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofSeconds(5), Duration.ofSeconds(120),
                Duration.ofMillis(100), 50, 20, false, Duration.ofSeconds(15), 1_000,
                DeliverySettings.defaults());
    }

    /**
     * A new lock TTL; the consolidation bounds shrink to fit in half of it when they would not (a short lease must
     * not be refused because of the default quiet window).
     */
    public OrchestratorSettings withLockTtl(Duration value) {
        requirePositive(value, "lockTtl");
        Duration half = value.dividedBy(2);
        Duration maxWait = consolidationMaxWait.compareTo(half) > 0 ? half : consolidationMaxWait;
        Duration window = consolidationWindow.compareTo(maxWait) > 0 ? maxWait : consolidationWindow;
        return new OrchestratorSettings(value, window, maxWait, answerWait, pollInterval,
                maxBatchSize, contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withConsolidation(Duration window, Duration maxWait) {
        return new OrchestratorSettings(lockTtl, window, maxWait, answerWait, pollInterval, maxBatchSize,
                contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withAnswerWait(Duration value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, value, pollInterval,
                maxBatchSize, contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withPollInterval(Duration value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait, value,
                maxBatchSize, contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withCancelOnNewerMessage(boolean value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait, pollInterval,
                maxBatchSize, contextTurns, value, sweepInterval, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withMaxBatchSize(int value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait, pollInterval,
                value, contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withSweepInterval(Duration value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait, pollInterval,
                maxBatchSize, contextTurns, cancelOnNewerMessage, value, sweepScanLimit, delivery);
    }

    public OrchestratorSettings withSweepScanLimit(int value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait, pollInterval,
                maxBatchSize, contextTurns, cancelOnNewerMessage, sweepInterval, value, delivery);
    }

    public OrchestratorSettings withDelivery(DeliverySettings value) {
        return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait, pollInterval,
                maxBatchSize, contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit, value);
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
