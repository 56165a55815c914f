package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiRejectedException;
import chat.orchestrator.core.usecase.AiRefusals;
import chat.orchestrator.core.usecase.Administration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A misconfigured AI (bad key, unknown model): the attempt ends at once, nothing is answered, nothing hammers it. */
class AiRefusalTest {
    private static final String REFUSAL = "HTTP 401: Incorrect API key provided";

    /** Refuses every call while {@link #refusing} is set, answers like {@link Harness#echo} after. */
    private static final class SwitchableAi implements AiPort {
        final AtomicBoolean refusing = new AtomicBoolean(true);

        @Override
        public AiReply answer(ConversationContext context) {
            if (refusing.get()) {
                throw new AiRejectedException(REFUSAL);
            }
            return Harness.echo(context);
        }
    }

    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));

    @Test
    void aRefusingAi_endsTheAttemptAtOnce_leavesTheMessagePendingUnanswered_andIsReportedUntilItAnswersAgain() {
        SwitchableAi ai = new SwitchableAi();
        try (Harness harness = new Harness(ai)) {
            Administration admin = new Administration(harness.locks, harness.state, harness.history.outbox(), List.of(),
                    clock, Harness.FAST.lockTtl(), 100, harness.orchestrator::aiRefusal);
            ConversationId conversation = newConversation();
            InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

            MessageOutcome.AiRejected rejected = assertInstanceOf(MessageOutcome.AiRejected.class,
                    harness.orchestrator.handle(hello));

            assertEquals(REFUSAL, rejected.reason());
            assertEquals(1, harness.ai.contexts().size(), "one call, no retry");
            assertTrue(harness.locks.inspect(conversation).isEmpty(), "the lock is released");
            assertEquals(Set.of(hello.id()), harness.state.pendingIds(conversation), "still pending, unanswered");
            assertTrue(harness.history.answeredAmong(conversation, Set.of(hello.id())).isEmpty());
            assertTrue(harness.history.sentRuns().isEmpty(), "no answer stored");
            assertTrue(harness.pancake.deliveries().isEmpty(), "nothing sent");
            Administration.SystemHealth health = admin.health();
            assertEquals(Administration.Status.DEGRADED, health.status());
            AiRefusals.Refusal refusal = health.aiRefusal().orElseThrow();
            assertEquals(REFUSAL, refusal.reason());
            assertEquals(1, refusal.count());

            ai.refusing.set(false);
            MessageOutcome retried = harness.orchestrator.handle(hello);

            assertInstanceOf(MessageOutcome.Completed.class, retried);
            assertEquals(1, harness.pancake.deliveries().size());
            assertTrue(harness.orchestrator.aiRefusal().isEmpty(), "an answer clears the refusal");
            assertTrue(admin.health().aiRefusal().isEmpty());
        }
    }

    @Test
    void whileTheAiRefuses_eachSweepProbesOneWaitingConversation_andOnceItAnswersTheRestAreSwept() throws Exception {
        SwitchableAi ai = new SwitchableAi();
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), ai)) {
            List<ConversationId> waiting = List.of(newConversation(), newConversation(), newConversation(),
                    newConversation());
            for (ConversationId conversation : waiting) {
                assertInstanceOf(MessageOutcome.AiRejected.class,
                        harness.orchestrator.handle(message(conversation, "m1", 0, "Xin chào")));
            }
            assertEquals(waiting.size(), harness.ai.contexts().size());
            clock.advance(Harness.FAST.lockTtl().plusSeconds(1));

            assertEquals(1, harness.orchestrator.sweep(), "one probe while the AI refuses");
            awaitCalls(harness, waiting.size() + 1);
            awaitAllReleased(harness, waiting);
            assertEquals(1, harness.orchestrator.sweep(), "one probe again on the next pass");
            awaitCalls(harness, waiting.size() + 2);
            awaitAllReleased(harness, waiting);
            assertEquals(4 + 2, harness.ai.contexts().size(), "two passes, two calls, not eight");

            ai.refusing.set(false);
            assertEquals(1, harness.orchestrator.sweep(), "the probe that finds the AI fixed");
            MessageLifecycleTest.awaitDeliveries(harness, 1);
            awaitAllReleased(harness, waiting);
            assertEquals(waiting.size() - 1, harness.orchestrator.sweep(), "then every other waiting conversation");
            MessageLifecycleTest.awaitDeliveries(harness, waiting.size());
            assertEquals(waiting.size(), harness.pancake.deliveries().size());
        }
    }

    private static void awaitCalls(Harness harness, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (harness.ai.contexts().size() < count) {
            assertTrue(System.nanoTime() < deadline, "expected " + count + " AI calls, got " + harness.ai.contexts().size());
            Thread.sleep(5);
        }
    }

    private static void awaitAllReleased(Harness harness, List<ConversationId> conversations) throws InterruptedException {
        for (ConversationId conversation : conversations) {
            MessageLifecycleTest.awaitRelease(harness, conversation);
        }
    }
}
