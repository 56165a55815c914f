package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * Assembles the message use case, the worker it starts, the sweeper that restarts abandoned conversations and the
 * outbox recovery that delivers abandoned answers, sharing one set of waiters and one executor.
 */
public final class ConversationWorkers {
    private final HandleMessage handleMessage;
    private final Sweeper sweeper;

    private ConversationWorkers(HandleMessage handleMessage, Sweeper sweeper) {
        this.handleMessage = handleMessage;
        this.sweeper = sweeper;
    }

    public static ConversationWorkers assemble(LockPort locks, StatePort state, HistoryPort history, AiPort ai,
                                               PancakePort pancake, ExecutorService executor, Clock clock,
                                               OrchestratorSettings settings) {
        OutcomeWaiters waiters = new OutcomeWaiters();
        GuardedAiCall aiCall = new GuardedAiCall(ai, locks, state, clock, settings);
        ConversationWorker worker = new ConversationWorker(locks, state, history, pancake, aiCall, waiters, settings, clock);
        HandleMessage handleMessage = new HandleMessage(locks, state, history, worker, waiters, executor, settings);
        Sweeper sweeper = new Sweeper(locks, state, history, handleMessage::startWorker, clock, settings.lockTtl(),
                settings.sweepScanLimit());
        return new ConversationWorkers(handleMessage, sweeper);
    }

    public HandleMessage handleMessage() {
        return handleMessage;
    }

    public Sweeper sweeper() {
        return sweeper;
    }
}
