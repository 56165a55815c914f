package chat.orchestrator.core.usecase;

import chat.orchestrator.core.port.LifecycleEvents;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.inmemory.LoggingPancake;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An answer left in the outbox (its holder died) is recovered by one dispatcher at a time: a recovery claim holds it
 * for its whole duration, so a second instance looking while the first is still sending finds nothing to take.
 */
class OutboxRecoveryClaimTest {
    private final WorkerRig rig = new WorkerRig();
    private final List<Delivery> sent = new CopyOnWriteArrayList<>();
    private final Semaphore sending = new Semaphore(0);
    private final CountDownLatch pancakeAnswers = new CountDownLatch(1);

    @Test
    void twoInstancesRecoveringTheSameAnswer_sendItOnce() throws Exception {
        RunId run = leftInTheOutbox();
        PancakePort slowPancake = delivery -> {
            sent.add(delivery);
            sending.release();
            try {
                pancakeAnswers.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new LoggingPancake().deliver(delivery);
        };
        OutboxDispatcher first = new OutboxDispatcher(rig.history.outbox(), slowPancake, rig.scheduler,
                WorkerRig.SETTINGS.delivery(), LifecycleEvents.NONE);
        OutboxDispatcher second = new OutboxDispatcher(rig.history.outbox(), slowPancake, rig.scheduler,
                WorkerRig.SETTINGS.delivery(), LifecycleEvents.NONE);
        try (first; second) {
            assertEquals(1, first.dispatchDue());
            assertTrue(sending.tryAcquire(10, TimeUnit.SECONDS), "the first instance is sending");

            assertEquals(0, second.dispatchDue(), "the answer is claimed while the first one sends it");

            pancakeAnswers.countDown();
            assertTrue(first.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(0, second.dispatchDue());
        }
        assertEquals(1, sent.size());
        assertEquals(run, sent.getFirst().runId());
        assertEquals(1, rig.history.outbox().count(DeliveryState.DELIVERED));
    }

    @Test
    void aRecoveryClaimThatRunsOut_letsAnotherInstanceTakeTheAnswer() throws Exception {
        leftInTheOutbox();
        PancakePort failing = delivery -> {
            sent.add(delivery);
            return OutboxDispatcher.pending(delivery.actions(), "503");
        };
        OutboxDispatcher dispatcher = new OutboxDispatcher(rig.history.outbox(), failing, rig.scheduler,
                WorkerRig.SETTINGS.delivery(), LifecycleEvents.NONE);
        try (dispatcher) {
            assertEquals(1, dispatcher.dispatchDue());
            assertTrue(dispatcher.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(0, dispatcher.dispatchDue(), "backing off");

            rig.clock.advance(WorkerRig.SETTINGS.delivery().maxBackoff());
            assertEquals(1, dispatcher.dispatchDue(), "due again after the backoff");
            assertTrue(dispatcher.awaitIdle(Duration.ofSeconds(10)));
        }
        assertEquals(2, sent.size());
        assertEquals(2, rig.history.outbox().list(DeliveryState.PENDING, 1).getFirst().attempts());
    }

    /** An answer stored under the fence whose holder died before sending it. */
    private RunId leftInTheOutbox() {
        ConversationId conversation = newConversation();
        InboundMessage hello = rig.arrive(message(conversation, "m1", 0, "hello"));
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(hello.id()),
                WorkerRig.echo(new ConversationContext(conversation, List.of(), List.of(hello))), rig.clock.instant());
        rig.history.recordAnswer(run, rig.clock.instant());
        return run.id();
    }
}
