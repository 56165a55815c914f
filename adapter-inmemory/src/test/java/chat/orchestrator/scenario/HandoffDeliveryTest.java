package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Delivery and hand-offs end to end, on the real core over in-memory stores with a Pancake that answers as told: a
 * bot answer that comes up for sending once people have the conversation is withheld, and an AI transfer Pancake
 * refused for good gives the conversation back to the bot, messages received meanwhile included. Time is a
 * {@link TestClock}; dispatch passes are run by the test.
 */
class HandoffDeliveryTest {
    private static final DeliverySettings DELIVERY = DeliverySettings.defaults()
            .withDispatchInterval(Duration.ZERO).withMaxAge(Duration.ofHours(1));
    private static final OrchestratorSettings SETTINGS = Harness.FAST.withSweepInterval(Duration.ZERO)
            .withDelivery(DELIVERY);
    private static final String TRANSFER_NOTICE = "Dạ em chuyển chị sang nhân viên tư vấn ạ";

    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock);
    private final InMemoryHistory history = new InMemoryHistory(clock);
    private final InMemoryLocks locks = new InMemoryLocks(store);
    private final InMemoryState state = new InMemoryState(store);
    private final DeliveryThroughOutagesTest.SwitchablePancake pancake = new DeliveryThroughOutagesTest.SwitchablePancake();
    private final Harness.RecordingAi ai = new Harness.RecordingAi(HandoffDeliveryTest::answer);
    private final List<String> lifted = new CopyOnWriteArrayList<>();

    /** The AI transfers a customer who asks for a person, and echoes everything else. */
    private static AiReply answer(ConversationContext context) {
        if (context.burst().stream().anyMatch(m -> m.content().contains("nhân viên"))) {
            return new AiReply(TRANSFER_NOTICE, "talk_to_human", 0.95, Map.of(), "echo-model", Duration.ZERO,
                    List.of(new Action.TransferToAgent("customer asked for a person", TRANSFER_NOTICE)));
        }
        return Harness.echo(context);
    }

    private Orchestrator orchestrator() {
        LifecycleEvents events = new LifecycleEvents() {
            @Override
            public void handoffLifted(ConversationId conversation, RunId transfer, DeliveryState how) {
                lifted.add(conversation + " " + how);
            }
        };
        return Orchestrator.builder().locks(locks).state(state).history(history).outbox(history.outbox())
                .ai(ai).pancake(pancake).settings(SETTINGS).clock(clock).events(events).build();
    }

    private void dispatch(Orchestrator orchestrator) throws InterruptedException {
        orchestrator.dispatch();
        assertTrue(orchestrator.awaitDispatched(Duration.ofSeconds(10)));
    }

    private void awaitReleased(ConversationId conversation) {
        await("the worker releases the lock").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> locks.inspect(conversation).isEmpty());
    }

    @Test
    void aTransferPancakeRefusesForGood_givesTheConversationBackToTheBot_withWhatTheCustomerWroteMeanwhile()
            throws Exception {
        pancake.answer.set(DeliveryReport.Status.PENDING);
        try (Orchestrator orchestrator = orchestrator()) {
            ConversationId conversation = newConversation();
            assertInstanceOf(MessageOutcome.Completed.class,
                    orchestrator.handle(message(conversation, "m1", 0, "Cho mình gặp nhân viên")));
            awaitReleased(conversation);
            clock.advance(Duration.ofSeconds(5));
            assertInstanceOf(MessageOutcome.HandedOff.class,
                    orchestrator.handle(message(conversation, "m2", 5_000, "Alo, có ai không ạ?")),
                    "the transfer is stored: people have the conversation");
            awaitReleased(conversation);

            // Pancake comes back refusing the transfer for good (say, the page's token was revoked): no person heard.
            pancake.answer.set(DeliveryReport.Status.REJECTED);
            clock.advance(DELIVERY.maxBackoff().plusSeconds(1));
            dispatch(orchestrator);
            assertEquals(1, history.outbox().count(DeliveryState.REJECTED));

            pancake.answer.set(DeliveryReport.Status.DELIVERED);
            clock.advance(Duration.ofSeconds(5));
            MessageOutcome.Completed next = assertInstanceOf(MessageOutcome.Completed.class,
                    orchestrator.handle(message(conversation, "m3", 10_000 + DELIVERY.maxBackoff().toMillis(),
                            "Mình vẫn đang chờ")), "the bot answers again");
            assertEquals(List.of(MessageId.of("m2"), MessageId.of("m3")),
                    ai.contexts().getLast().burst().stream().map(m -> m.id()).toList(),
                    "the message people never saw is answered with it");
            assertEquals(2, next.consolidatedMessages());
            assertEquals(List.of(), history.unanswered(conversation, 10));
            assertEquals(List.of(conversation + " REJECTED"), lifted, "the lift is told once");
        }
    }

    @Test
    void aBotAnswerBackingOffWhenAnOperatorTakesOver_isWithheld_notSentWhenPancakeReturns() throws Exception {
        pancake.answer.set(DeliveryReport.Status.PENDING);
        try (Orchestrator orchestrator = orchestrator()) {
            ConversationId conversation = newConversation();
            assertInstanceOf(MessageOutcome.Completed.class,
                    orchestrator.handle(message(conversation, "m1", 0, "Giá gói khám tổng quát?")));
            awaitReleased(conversation);
            assertTrue(history.handOff(conversation, Handoff.starting(clock.instant(), Handoff.By.ADMIN,
                    "an agent answers during the outage")));

            pancake.answer.set(DeliveryReport.Status.DELIVERED);
            clock.advance(Duration.ofMinutes(59)); // within the delivery horizon: it would still be sent
            dispatch(orchestrator);

            assertEquals(1, pancake.attempts.size(), "only the attempt made before the hand-off");
            assertEquals(1, history.outbox().count(DeliveryState.WITHHELD));
            assertEquals(0, history.outbox().count(DeliveryState.PENDING));
        }
    }
}
