package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiRejectedException;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.StatePort;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Calls the AI while guarding the lease: renews it every third of its TTL (owner-checked), gives up the moment it
 * is lost, and, where configured, cancels the call as soon as a newer message makes its answer stale.
 */
final class GuardedAiCall {
    private final AiPort ai;
    private final LockPort locks;
    private final StatePort state;
    private final Scheduler scheduler;
    private final OrchestratorSettings settings;
    private final AiRefusals refusals;

    GuardedAiCall(AiPort ai, LockPort locks, StatePort state, Scheduler scheduler, OrchestratorSettings settings,
                  AiRefusals refusals) {
        this.ai = ai;
        this.refusals = refusals;
        this.locks = locks;
        this.state = state;
        this.scheduler = scheduler;
        this.settings = settings;
    }

    /** Runs the call; {@code known} are the pending ids when it started, anything else pending is newer. */
    AiCallResult call(Lease lease, ConversationContext context, Set<MessageId> known) throws InterruptedException {
        Duration renewEvery = settings.lockTtl().dividedBy(3);
        long started = scheduler.nanoTime();
        Instant nextRenewal = scheduler.clock().instant().plus(renewEvery);
        // Its own thread, not the workers' executor: a worker finishing during shutdown still needs it.
        Future<AiReply> answer = scheduler.start("ai-call-" + lease.conversationId(), () -> ai.answer(context));
        try {
            while (true) {
                try {
                    AiReply reply = scheduler.await(answer, settings.pollInterval());
                    refusals.answered();
                    // The answer may have taken longer than the lease: prove we still hold it before using it. The same
                    // step reads what is pending, for the worker's staleness check: one round trip for both.
                    if (!(locks.renewReadingPending(lease, settings.lockTtl()) instanceof LeaseCheck.Held held)) {
                        return new AiCallResult.LeaseLost();
                    }
                    return new AiCallResult.Answered(
                            reply.withProcessingTime(Duration.ofNanos(scheduler.nanoTime() - started)), held.pendingIds());
                } catch (TimeoutException stillRunning) {
                    if (!scheduler.clock().instant().isBefore(nextRenewal)) {
                        if (!locks.renew(lease, settings.lockTtl())) {
                            return new AiCallResult.LeaseLost();
                        }
                        nextRenewal = scheduler.clock().instant().plus(renewEvery);
                    }
                    if (settings.cancelOnNewerMessage() && !known.containsAll(state.pendingIds(lease.conversationId()))) {
                        return new AiCallResult.CancelledByNewerMessage();
                    }
                } catch (ExecutionException failure) {
                    Throwable cause = failure.getCause();
                    if (cause instanceof AiRejectedException rejected) {
                        refusals.rejected(describe(rejected));
                        return new AiCallResult.Rejected(describe(rejected));
                    }
                    // AiUnavailableException is the port's word for it; any other runtime failure of an adapter
                    // is treated the same way, since the burst is still pending and can be answered later.
                    if (cause instanceof RuntimeException) {
                        return new AiCallResult.Failed(describe(cause));
                    }
                    throw new IllegalStateException("AI call failed unexpectedly for " + lease.conversationId(), cause);
                }
            }
        } finally {
            // Interrupting the AI call is how the port is told to stop: no one will read this answer.
            answer.cancel(true);
        }
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
