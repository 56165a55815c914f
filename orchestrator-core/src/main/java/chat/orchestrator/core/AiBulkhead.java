package chat.orchestrator.core;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An {@link AiPort} that lets at most a fixed number of calls reach the AI at once ({@code AI_MAX_CONCURRENT_CALLS}),
 * so ten thousand busy conversations do not open ten thousand connections to it. Callers beyond the limit wait in
 * arrival order, up to {@code maxWait}; one that waits longer fails like an unavailable AI (its messages stay pending
 * for a retry or the sweeper). Waiting is interruptible, as the port requires of every call.
 */
public final class AiBulkhead implements AiPort {
    private final AiPort ai;
    private final Semaphore permits;
    private final Duration maxWait;
    private final int maxConcurrentCalls;

    public AiBulkhead(AiPort ai, int maxConcurrentCalls, Duration maxWait) {
        this.ai = Objects.requireNonNull(ai, "ai");
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, got " + maxConcurrentCalls);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        // Fair: a conversation that has waited longest gets the next free call, none starves behind newcomers.
        this.permits = new Semaphore(maxConcurrentCalls, true);
        this.maxWait = maxWait;
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    @Override
    public AiReply answer(ConversationContext context) {
        try {
            if (!permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AiUnavailableException("all " + maxConcurrentCalls + " AI calls busy for " + maxWait.toMillis()
                        + " ms; conversation " + context.conversationId() + " stays pending");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AiUnavailableException("interrupted while waiting for a free AI call", interrupted);
        }
        try {
            return ai.answer(context);
        } finally {
            permits.release();
        }
    }

    /** Calls waiting for a free slot now; an estimate, for figures. */
    public int waiting() {
        return permits.getQueueLength();
    }
}
