package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Invariant 2 when the accepting instance dies: its messages wait with no holder until the sweeper takes them. */
class SweeperTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));

    /** A message recorded and accepted by an instance that died before it took the lock. */
    private static InboundMessage abandoned(Harness harness, ConversationId conversation, String id) {
        InboundMessage message = message(conversation, id, 0, "Xin chào");
        harness.history.record(message);
        harness.state.accept(message);
        return message;
    }

    @Test
    void aConversationAbandonedForALockTtl_isSweptAndAnsweredOnce() throws Exception {
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), Harness::echo)) {
            ConversationId conversation = newConversation();
            abandoned(harness, conversation, "m1");
            abandoned(harness, conversation, "m2");

            assertEquals(0, harness.orchestrator.sweep(), "just accepted: its own instance may be about to lock");
            clock.advance(Harness.FAST.lockTtl().plusSeconds(1));
            assertEquals(1, harness.orchestrator.sweep());

            MessageLifecycleTest.awaitDeliveries(harness, 1);
            assertEquals("answer to [m1, m2]", harness.pancake.deliveries().getFirst().reply().text());
            assertTrue(harness.state.pendingIds(conversation).isEmpty());
            MessageLifecycleTest.awaitRelease(harness, conversation);
            assertEquals(0, harness.orchestrator.sweep(), "nothing left to sweep");
            MessageLifecycleTest.settle(harness);
            assertEquals(1, harness.pancake.deliveries().size());
        }
    }

    @Test
    void messagesHistoryHoldsButTheStateStoreLost_areRequeuedAndAnsweredOnce() throws Exception {
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), Harness::echo)) {
            ConversationId conversation = newConversation();
            // Recorded durably, then Redis restarted empty: the state store has never heard of them.
            harness.history.record(message(conversation, "m1", 0, "Xin chào"));
            harness.history.record(message(conversation, "m2", 1, "Tôi muốn đặt lịch"));
            ConversationId answeredBefore = newConversation();
            InboundMessage done = abandoned(harness, answeredBefore, "m1");
            harness.orchestrator.handle(done);
            int deliveriesBefore = harness.pancake.deliveries().size();

            clock.advance(Harness.FAST.lockTtl().plusSeconds(1));
            assertEquals(1, harness.orchestrator.sweep());

            MessageLifecycleTest.awaitDeliveries(harness, deliveriesBefore + 1);
            assertEquals("answer to [m1, m2]", harness.pancake.deliveries().getLast().reply().text());
            MessageLifecycleTest.awaitRelease(harness, conversation);
            assertEquals(0, harness.orchestrator.sweep(), "answered messages are never requeued");
            MessageLifecycleTest.settle(harness);
            assertEquals(deliveriesBefore + 1, harness.pancake.deliveries().size());
        }
    }

    @Test
    void aConversationSomeoneHolds_isLeftToItsHolder() {
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), Harness::echo)) {
            ConversationId conversation = newConversation();
            abandoned(harness, conversation, "m1");
            harness.locks.tryAcquire(conversation, Duration.ofHours(1)).orElseThrow();
            clock.advance(Harness.FAST.lockTtl().plusSeconds(1));

            assertEquals(0, harness.orchestrator.sweep());
            assertTrue(harness.pancake.deliveries().isEmpty());
        }
    }

    @Test
    void theScheduledSweepFindsAbandonedConversationsByItself() throws Exception {
        try (Harness harness = new Harness(java.time.Clock.systemUTC(),
                Harness.FAST.withLockTtl(Duration.ofSeconds(2)).withSweepInterval(Duration.ofMillis(100)), Harness::echo)) {
            ConversationId conversation = newConversation();
            abandoned(harness, conversation, "m1");

            MessageLifecycleTest.awaitDeliveries(harness, 1);
            MessageLifecycleTest.awaitRelease(harness, conversation);
            assertEquals(0, harness.orchestrator.sweep(), "nothing left to sweep");
            MessageLifecycleTest.settle(harness);

            assertEquals(1, harness.pancake.deliveries().size(), "later sweeps leave the answered conversation alone");
        }
    }
}
