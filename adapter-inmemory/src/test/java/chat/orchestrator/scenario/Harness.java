package chat.orchestrator.scenario;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** One orchestrator over in-memory adapters, with a scripted AI and a Pancake that records what it was sent. */
final class Harness implements AutoCloseable {
    static final OrchestratorSettings FAST = OrchestratorSettings.defaults()
            .withConsolidation(Duration.ZERO, Duration.ZERO)
            .withPollInterval(Duration.ofMillis(5))
            .withAnswerWait(Duration.ofSeconds(20));

    final InMemoryStore store;
    final InMemoryLocks locks;
    final InMemoryState state;
    final InMemoryHistory history;
    final RecordingPancake pancake = new RecordingPancake();
    final RecordingAi ai;
    final Orchestrator orchestrator;

    Harness(Clock clock, OrchestratorSettings settings, AiPort answers) {
        this(clock, settings, answers, LifecycleEvents.NONE);
    }

    Harness(Clock clock, OrchestratorSettings settings, AiPort answers, LifecycleEvents events) {
        this.store = new InMemoryStore(clock);
        this.history = new InMemoryHistory(clock);
        this.locks = new InMemoryLocks(store);
        this.state = new InMemoryState(store);
        this.ai = new RecordingAi(answers);
        this.orchestrator = Orchestrator.builder()
                .locks(locks).state(state).history(history).outbox(history.outbox()).ai(ai).pancake(pancake)
                .settings(settings).clock(clock).events(events).build();
    }

    Harness(AiPort answers) {
        this(Clock.systemUTC(), FAST, answers);
    }

    static AiReply echo(ConversationContext context) {
        String text = "answer to " + context.burst().stream().map(m -> m.id().value()).toList();
        return new AiReply(text, "echo", 0.9, Map.of(), "echo-model", Duration.ZERO, List.of());
    }

    @Override
    public void close() {
        orchestrator.close();
    }

    /** Remembers every context the AI was given. */
    static final class RecordingAi implements AiPort {
        private final AiPort answers;
        final List<ConversationContext> contexts = new ArrayList<>();

        RecordingAi(AiPort answers) {
            this.answers = answers;
        }

        @Override
        public AiReply answer(ConversationContext context) {
            synchronized (this) {
                contexts.add(context);
            }
            return answers.answer(context);
        }

        synchronized List<ConversationContext> contexts() {
            return List.copyOf(contexts);
        }
    }

    /** Accepts every action on the first attempt and remembers each delivery. */
    static final class RecordingPancake implements PancakePort {
        private final List<Delivery> deliveries = new ArrayList<>();

        @Override
        public synchronized DeliveryReport deliver(Delivery delivery) {
            deliveries.add(delivery);
            return new DeliveryReport(IntStream.range(0, delivery.actions().size())
                    .mapToObj(i -> new ActionDelivery(i, delivery.actions().get(i).type(), DeliveryReport.Status.DELIVERED, 1, ""))
                    .toList());
        }

        synchronized List<Delivery> deliveries() {
            return List.copyOf(deliveries);
        }
    }
}
