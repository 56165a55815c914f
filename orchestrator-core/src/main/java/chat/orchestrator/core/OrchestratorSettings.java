package chat.orchestrator.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

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
 * @param handoffIdleTimeout  how long a conversation handed off to people stays theirs with no message received;
 *                            the bot answers the next message after that (zero: until someone hands it back)
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
        DeliverySettings delivery,
        Duration handoffIdleTimeout) {

    public OrchestratorSettings {
        requirePositive(lockTtl, "lockTtl");
        Objects.requireNonNull(consolidationWindow, "consolidationWindow");
        if (consolidationWindow.isNegative()) {
            throw new IllegalArgumentException("consolidationWindow must not be negative");
        }
        if (consolidationWindow.compareTo(lockTtl.dividedBy(2)) > 0) {
            // Implied by the two bounds of the wait below, but said first: it is the cause when the wait was cut to
            // half the lease to fit (as the server does), and the window is what an operator sets.
            throw new IllegalArgumentException("consolidationWindow must be at most half of lockTtl");
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
        Objects.requireNonNull(handoffIdleTimeout, "handoffIdleTimeout");
        if (handoffIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("handoffIdleTimeout must not be negative");
        }
    }

    public static OrchestratorSettings defaults() {
        return new OrchestratorSettings(
                Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofSeconds(5), Duration.ofSeconds(120),
                Duration.ofMillis(100), 50, 20, false, Duration.ofSeconds(15), 1_000,
                DeliverySettings.defaults(), Duration.ofHours(24));
    }

    /**
     * A new lock TTL; the consolidation bounds shrink to fit in half of it when they would not (a short lease must
     * not be refused because of the default quiet window).
     */
    public OrchestratorSettings withLockTtl(Duration value) {
        requirePositive(value, "lockTtl");
        Duration half = value.dividedBy(2);
        return edit(copy -> {
            copy.lockTtl = value;
            copy.consolidationMaxWait = min(consolidationMaxWait, half);
            copy.consolidationWindow = min(consolidationWindow, copy.consolidationMaxWait);
        });
    }

    public OrchestratorSettings withConsolidation(Duration window, Duration maxWait) {
        return edit(copy -> {
            copy.consolidationWindow = window;
            copy.consolidationMaxWait = maxWait;
        });
    }

    public OrchestratorSettings withAnswerWait(Duration value) {
        return edit(copy -> copy.answerWait = value);
    }

    public OrchestratorSettings withPollInterval(Duration value) {
        return edit(copy -> copy.pollInterval = value);
    }

    public OrchestratorSettings withCancelOnNewerMessage(boolean value) {
        return edit(copy -> copy.cancelOnNewerMessage = value);
    }

    public OrchestratorSettings withMaxBatchSize(int value) {
        return edit(copy -> copy.maxBatchSize = value);
    }

    public OrchestratorSettings withSweepInterval(Duration value) {
        return edit(copy -> copy.sweepInterval = value);
    }

    public OrchestratorSettings withSweepScanLimit(int value) {
        return edit(copy -> copy.sweepScanLimit = value);
    }

    public OrchestratorSettings withDelivery(DeliverySettings value) {
        return edit(copy -> copy.delivery = value);
    }

    public OrchestratorSettings withHandoffIdleTimeout(Duration value) {
        return edit(copy -> copy.handoffIdleTimeout = value);
    }

    /** These settings with {@code change} applied, validated again as a whole by the record's constructor. */
    private OrchestratorSettings edit(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** A mutable copy of every component: each {@code with…} names only what it changes. */
    private static final class Copy {
        Duration lockTtl;
        Duration consolidationWindow;
        Duration consolidationMaxWait;
        Duration answerWait;
        Duration pollInterval;
        int maxBatchSize;
        int contextTurns;
        boolean cancelOnNewerMessage;
        Duration sweepInterval;
        int sweepScanLimit;
        DeliverySettings delivery;
        Duration handoffIdleTimeout;

        Copy(OrchestratorSettings from) {
            lockTtl = from.lockTtl;
            consolidationWindow = from.consolidationWindow;
            consolidationMaxWait = from.consolidationMaxWait;
            answerWait = from.answerWait;
            pollInterval = from.pollInterval;
            maxBatchSize = from.maxBatchSize;
            contextTurns = from.contextTurns;
            cancelOnNewerMessage = from.cancelOnNewerMessage;
            sweepInterval = from.sweepInterval;
            sweepScanLimit = from.sweepScanLimit;
            delivery = from.delivery;
            handoffIdleTimeout = from.handoffIdleTimeout;
        }

        OrchestratorSettings build() {
            return new OrchestratorSettings(lockTtl, consolidationWindow, consolidationMaxWait, answerWait,
                    pollInterval, maxBatchSize, contextTurns, cancelOnNewerMessage, sweepInterval, sweepScanLimit,
                    delivery, handoffIdleTimeout);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
