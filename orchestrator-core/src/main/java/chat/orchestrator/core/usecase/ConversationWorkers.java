package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import java.util.concurrent.ExecutorService;

/**
 * Assembles the message use case, the worker it starts, the sweeper that restarts abandoned conversations and the
 * outbox dispatcher through which every answer is delivered, sharing one executor.
 */
public final class ConversationWorkers {
    private final HandleMessage handleMessage;
    private final Sweeper sweeper;
    private final OutboxDispatcher dispatcher;
    private final AiRefusals refusals;
    private final Handoffs handoffs;

    private ConversationWorkers(HandleMessage handleMessage, Sweeper sweeper, OutboxDispatcher dispatcher,
                                AiRefusals refusals, Handoffs handoffs) {
        this.refusals = refusals;
        this.handoffs = handoffs;
        this.handleMessage = handleMessage;
        this.sweeper = sweeper;
        this.dispatcher = dispatcher;
    }

    public static ConversationWorkers assemble(LockPort locks, StatePort state, HistoryPort history, OutboxPort outbox,
                                               AiPort ai, PancakePort pancake, ExecutorService executor,
                                               Scheduler scheduler, OrchestratorSettings settings,
                                               LifecycleEvents events) {
        OutboxDispatcher dispatcher = new OutboxDispatcher(outbox, pancake, scheduler, settings.delivery(), events);
        AiRefusals refusals = new AiRefusals(scheduler.clock());
        GuardedAiCall aiCall = new GuardedAiCall(ai, locks, state, scheduler, settings, refusals);
        Handoffs handoffs = new Handoffs(history, scheduler.clock(), settings.handoffIdleTimeout(), events);
        ConversationWorker worker = new ConversationWorker(locks, state, history, dispatcher, aiCall, handoffs,
                settings, scheduler, events);
        HandleMessage handleMessage = new HandleMessage(locks, state, history, worker, executor, scheduler, settings,
                events);
        Sweeper sweeper = new Sweeper(locks, state, history, handleMessage::startWorker, scheduler, settings.lockTtl(),
                settings.sweepScanLimit(), Math.max(settings.maxBatchSize(), 1_000), refusals, events);
        return new ConversationWorkers(handleMessage, sweeper, dispatcher, refusals, handoffs);
    }

    public HandleMessage handleMessage() {
        return handleMessage;
    }

    public Sweeper sweeper() {
        return sweeper;
    }

    public OutboxDispatcher dispatcher() {
        return dispatcher;
    }

    public AiRefusals refusals() {
        return refusals;
    }

    public Handoffs handoffs() {
        return handoffs;
    }
}
