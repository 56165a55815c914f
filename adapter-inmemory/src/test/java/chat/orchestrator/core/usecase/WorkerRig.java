package chat.orchestrator.core.usecase;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The core's use cases built by hand over in-memory stores and a clock the test moves, so a test can reach the
 * package-private worker, its guarded AI call and the quiet window directly, and swap any port for a faulty one.
 */
final class WorkerRig {
    static final Duration TTL = Duration.ofSeconds(30);
    /** No quiet window; a short poll so a renewal follows a clock move promptly. */
    static final OrchestratorSettings SETTINGS = OrchestratorSettings.defaults()
            .withLockTtl(TTL)
            .withConsolidation(Duration.ZERO, Duration.ZERO)
            .withPollInterval(Duration.ofMillis(2))
            .withAnswerWait(Duration.ofSeconds(20));

    final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    final Scheduler scheduler = Scheduler.system(clock);
    final InMemoryStore store = new InMemoryStore(clock);
    final InMemoryLocks locks = new InMemoryLocks(store);
    final InMemoryState state = new InMemoryState(store);
    final InMemoryHistory history = new InMemoryHistory(clock);
    final List<Delivery> delivered = new CopyOnWriteArrayList<>();
    final PancakePort pancake = delivery -> {
        delivered.add(delivery);
        return new LoggingPancake().deliver(delivery);
    };

    /** The message as a request brings it: recorded in history and accepted into the pending set. */
    InboundMessage arrive(InboundMessage message) {
        history.record(message);
        state.accept(message);
        return message;
    }

    OutboxDispatcher dispatcher() {
        return new OutboxDispatcher(history.outbox(), pancake, scheduler, SETTINGS.delivery(), LifecycleEvents.NONE);
    }

    ConversationWorker worker(AiPort ai) {
        return worker(locks, state, history, ai, SETTINGS);
    }

    ConversationWorker worker(LockPort lockPort, StatePort statePort, HistoryPort historyPort, AiPort ai,
                              OrchestratorSettings settings) {
        GuardedAiCall call = new GuardedAiCall(ai, lockPort, statePort, scheduler, settings, new AiRefusals(clock));
        Handoffs handoffs = new Handoffs(historyPort, clock, settings.handoffIdleTimeout(), LifecycleEvents.NONE);
        return new ConversationWorker(lockPort, statePort, historyPort, dispatcher(), call, handoffs, settings, scheduler,
                LifecycleEvents.NONE);
    }

    static AiReply echo(ConversationContext context) {
        String text = "answer to " + context.burst().stream().map(m -> m.id().value()).toList();
        return new AiReply(text, "echo", 0.9, Map.of(), "echo-model", Duration.ZERO, List.of(
                new Action.SendMessage(text)));
    }
}
