package chat.orchestrator.simulation;

import java.time.Duration;

/**
 * What the AI and Pancake are doing now, as the plan's faults set it: windows of virtual time in which they are
 * down, slow, failing, refusing or rate-limiting, and the odds of the faults that strike single requests.
 */
final class Conditions {
    private final SimulatedPancake.Mode mode;
    private long aiSlowUntil = -1;
    private long aiFailingUntil = -1;
    private long aiRefusingUntil = -1;
    private long pancakeDownUntil = -1;
    private long pancakeLimitingUntil = -1;
    private long pancakeSlowUntil = -1;
    private long pancakeRejectingUntil = -1;
    private double aiFailRate;
    private double transferRate;
    private double lostResponseRate;
    private double brokenConnectionRate;
    private int answers;
    /** Answers Pancake refused an action of, on any instance. */
    final java.util.Set<chat.orchestrator.core.port.RunId> rejected = new java.util.HashSet<>();
    /** Since when the AI has refused, while it does (or did, till healed): a caller told so must have met it. */
    private long aiRefusingFrom = Long.MAX_VALUE;

    Conditions(SimulatedPancake.Mode mode) {
        this.mode = mode;
    }

    SimulatedPancake.Mode mode() {
        return mode;
    }

    int nextAnswer() {
        return ++answers;
    }

    boolean aiSlow(long now) {
        return now < aiSlowUntil;
    }

    boolean aiFailing(long now) {
        return now < aiFailingUntil;
    }

    boolean aiRefusing(long now) {
        return now < aiRefusingUntil;
    }

    boolean pancakeDown(long now) {
        return now < pancakeDownUntil;
    }

    boolean pancakeLimiting(long now) {
        return now < pancakeLimitingUntil;
    }

    boolean pancakeRejecting(long now) {
        return now < pancakeRejectingUntil;
    }

    boolean pancakeSlow(long now) {
        return now < pancakeSlowUntil;
    }

    double aiFailRate() {
        return aiFailRate;
    }

    double transferRate() {
        return transferRate;
    }

    double lostResponseRate() {
        return lostResponseRate;
    }

    double brokenConnectionRate() {
        return brokenConnectionRate;
    }

    void rates(double aiFail, double transfer, double lostResponse, double brokenConnection) {
        this.aiFailRate = aiFail;
        this.transferRate = transfer;
        this.lostResponseRate = lostResponse;
        this.brokenConnectionRate = brokenConnection;
    }

    void window(Plan.Kind kind, long now, Duration duration) {
        long until = now + duration.toNanos();
        switch (kind) {
            case AI_SLOW -> aiSlowUntil = until;
            case AI_FAILING -> aiFailingUntil = until;
            case AI_REFUSING -> {
                aiRefusingUntil = until;
                aiRefusingFrom = Math.min(aiRefusingFrom, now);
            }
            case PANCAKE_DOWN -> pancakeDownUntil = until;
            case PANCAKE_LIMITING -> pancakeLimitingUntil = until;
            case PANCAKE_SLOW -> pancakeSlowUntil = until;
            case PANCAKE_REJECTING -> pancakeRejectingUntil = until;
            default -> throw new IllegalArgumentException("not a window: " + kind);
        }
    }

    /** Whether the AI has refused at any time before {@code now}: the only world in which a caller hears so. */
    boolean aiHasRefused(long now) {
        return aiRefusingFrom <= now;
    }

    /** All faults healed: what quiescence is judged under. The AI's transfers go on; they are not a fault. */
    void heal() {
        aiSlowUntil = aiFailingUntil = aiRefusingUntil = -1;
        pancakeDownUntil = pancakeLimitingUntil = pancakeSlowUntil = pancakeRejectingUntil = -1;
        aiFailRate = 0;
        lostResponseRate = 0;
        brokenConnectionRate = 0;
    }
}
