package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryState;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hole 7 of the simulation's first run: a rolling restart must not make a customer see an action twice. Public-API
 * mode sends action by action with no key Pancake could deduplicate by, so a send cut short by the shutdown, whose
 * request had already arrived, is sent again by the next instance. Shutdown stops the workers early enough that
 * none starts a send it cannot finish, and lets the sends already running finish within the budget.
 */
class RollingRestartTest {
    private static final OrchestratorSettings SETTINGS = Harness.FAST.withSweepInterval(Duration.ZERO)
            .withDelivery(DeliverySettings.defaults().withDispatchInterval(Duration.ZERO));

    private final InMemoryStore store = new InMemoryStore(Clock.systemUTC());
    private final InMemoryHistory history = new InMemoryHistory();
    /** How often each action of each answer reached Pancake. */
    private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();

    @Test
    void anInstanceStoppedWhileItsAnswerIsComing_neverMakesThePlatformShowAnActionTwice() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage question = message(conversation, "m1", 0, "Cho tôi đặt lịch khám");
        Orchestrator first = orchestrator(slowAi(Duration.ofMillis(1_600)));
        first.submit(question);
        Thread.sleep(100);

        first.close(Duration.ofSeconds(2));

        try (Orchestrator second = orchestrator(slowAi(Duration.ZERO))) {
            // Pancake retries the webhook that the stopped instance never answered; the second instance takes it.
            second.handle(question);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                second.dispatch();
                second.awaitDispatched(Duration.ofSeconds(5));
                return history.outbox().count(DeliveryState.PENDING) == 0;
            });
        }
        List<String> twice = arrivals.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of(), twice, "actions that reached Pancake more than once");
        assertEquals(3, arrivals.size(), "the answer's three actions, each once: " + arrivals.keySet());
    }

    private Orchestrator orchestrator(AiPort ai) {
        return Orchestrator.builder().locks(new InMemoryLocks(store)).state(new InMemoryState(store))
                .history(history).outbox(history.outbox()).ai(ai).pancake(actionByAction()).settings(SETTINGS).build();
    }

    private static AiPort slowAi(Duration thinking) {
        return context -> {
            try {
                Thread.sleep(thinking);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AiUnavailableException("interrupted");
            }
            return new AiReply("three parts", "booking", 0.9, Map.of(), "model", Duration.ZERO, List.of(
                    new Action.SendMessage("part 1"), new Action.SendMessage("part 2"),
                    new Action.SendMessage("part 3")));
        };
    }

    /**
     * Public-API mode as Pancake sees it: one request per action, 300 ms each. A request cut short by an interrupt
     * had already arrived (the worst case: its response is what got lost), so it is counted.
     */
    private PancakePort actionByAction() {
        return delivery -> {
            List<ActionDelivery> report = new ArrayList<>();
            for (int i = 0; i < delivery.actions().size(); i++) {
                if (delivery.deliveredActions().contains(i)) {
                    report.add(new ActionDelivery(i, delivery.actions().get(i).type(), Status.DELIVERED, 0, ""));
                    continue;
                }
                boolean cut = false;
                try {
                    Thread.sleep(300);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    cut = true;
                }
                arrivals.computeIfAbsent(key(delivery, i), k -> new AtomicInteger()).incrementAndGet();
                if (cut) {
                    for (int rest = i; rest < delivery.actions().size(); rest++) {
                        report.add(new ActionDelivery(rest, delivery.actions().get(rest).type(), Status.PENDING, 1,
                                "interrupted"));
                    }
                    return new DeliveryReport(report);
                }
                report.add(new ActionDelivery(i, delivery.actions().get(i).type(), Status.DELIVERED, 1, ""));
            }
            return new DeliveryReport(report);
        };
    }

    private static String key(Delivery delivery, int action) {
        return delivery.runId() + "#" + action;
    }
}
