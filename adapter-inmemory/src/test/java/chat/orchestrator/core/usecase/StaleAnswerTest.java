package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After the AI answers: a stale answer is recorded as discarded and the whole burst answered again by the same
 * holder; a fresh one is stored and delivered even when clearing pending fails afterwards.
 */
class StaleAnswerTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = rig.arrive(message(conversation, "m1", 0, "hi"));
    private final WaitingCaller caller = new WaitingCaller(first.id());
    private final GatedAi ai = new GatedAi();

    @Test
    void anAnswerMadeStaleByANewerMessage_isDiscarded_andTheWholeBurstAnsweredAgain() throws Exception {
        Lease lease = take();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> rig.worker(ai).run(lease, Optional.of(caller)));
        ai.awaitCall();
        InboundMessage second = rig.arrive(message(conversation, "m2", 1_000, "I want to book a check-up"));
        ai.answer();

        MessageOutcome.RestartNeeded restart = assertInstanceOf(MessageOutcome.RestartNeeded.class,
                caller.outcome().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(new MessageOutcome.NewerMessage(second.id(), second.timestamp())), restart.newerMessages());
        assertEquals("answer to [m1]", restart.discarded().orElseThrow().text());

        ai.awaitCall();
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        assertEquals(1, rig.history.discardedRuns().size());
        assertEquals(List.of("answer to [m1, m2]"), rig.delivered.stream().map(d -> d.reply().text()).toList());
        assertTrue(rig.state.pendingIds(conversation).isEmpty());
        assertFalse(rig.locks.inspect(conversation).isPresent());
    }

    @Test
    void anAnswerStoredWhilePendingCannotBeCleared_isStillDelivered_andTheLockLeftToExpire() throws Exception {
        LockPort cannotClear = Faults.failing(LockPort.class, rig.locks, new StoreUnavailableException("redis down"),
                "removeAndReleaseIfNoPending");

        rig.worker(cannotClear, rig.state, rig.history, WorkerRig::echo, WorkerRig.SETTINGS)
                .run(take(), Optional.of(caller));

        MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class,
                caller.outcome().get(10, TimeUnit.SECONDS));
        assertTrue(completed.delivery().allDelivered());
        assertEquals(1, rig.delivered.size());
        // Not released: pending still shows m1, and the next holder drops it as answered.
        assertTrue(rig.locks.inspect(conversation).isPresent());
        assertEquals(1, rig.history.sentRuns().size());
    }

    private Lease take() {
        return rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    }
}
