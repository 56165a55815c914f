package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/** Assembles the message use case and the worker it starts, sharing one set of waiters and one executor. */
public final class ConversationWorkers {
    private ConversationWorkers() {
    }

    public static HandleMessage handleMessage(LockPort locks, StatePort state, HistoryPort history, AiPort ai,
                                              PancakePort pancake, ExecutorService executor, Clock clock,
                                              OrchestratorSettings settings) {
        OutcomeWaiters waiters = new OutcomeWaiters();
        GuardedAiCall aiCall = new GuardedAiCall(ai, locks, state, clock, settings);
        ConversationWorker worker = new ConversationWorker(locks, state, history, pancake, aiCall, waiters, settings, clock);
        return new HandleMessage(locks, state, history, worker, waiters, executor, settings);
    }
}
