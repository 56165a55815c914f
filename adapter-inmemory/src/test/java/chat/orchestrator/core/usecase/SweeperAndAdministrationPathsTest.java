package chat.orchestrator.core.usecase;

import chat.orchestrator.core.port.LifecycleEvents;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.RunId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The sweeper when it cannot start what it found (the pool is closing, or another instance took the lock between
 * its look and its attempt), and the operator's answers at their edges.
 */
class SweeperAndAdministrationPathsTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final List<Lease> started = new ArrayList<>();

    @Test
    void aConversationAbandonedForALockTtl_isSweptAndItsWorkerStarted_acrossPages() {
        ConversationId another = newConversation();
        rig.arrive(message(conversation, "m1", 0, "hello"));
        rig.arrive(message(another, "x1", 0, "hello"));
        rig.clock.advance(WorkerRig.TTL.plusMillis(1));

        assertEquals(2, sweeper(rig.locks, lease -> started.add(lease), 1).sweepOnce());
        assertEquals(2, started.size());
    }

    @Test
    void aMessageRecordedLessThanALockTtlAgo_isNotSwept() {
        rig.arrive(message(conversation, "m1", 0, "hello"));
        rig.clock.advance(WorkerRig.TTL.minusMillis(1));

        assertEquals(0, sweeper(rig.locks, lease -> started.add(lease), 10).sweepOnce());
    }

    @Test
    void aSweptConversationWhoseWorkerCannotStart_isNotCounted() {
        abandoned();

        assertEquals(0, sweeper(rig.locks, lease -> started.add(lease) && false, 10).sweepOnce());
        assertEquals(1, started.size(), "it was found and its lock taken");
    }

    @Test
    void aConversationTakenBetweenTheLookAndTheAttempt_isLeftToItsNewHolder() {
        abandoned();
        Lease other = rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
        // The look found no holder: the other instance took the lock just after it.
        LockPort lookedTooEarly = Faults.overriding(LockPort.class, rig.locks, Optional::empty, "inspect");

        assertEquals(0, sweeper(lookedTooEarly, lease -> started.add(lease), 10).sweepOnce());
        assertTrue(started.isEmpty());
        assertEquals(other.ownerToken(), rig.locks.inspect(conversation).orElseThrow().ownerToken());
    }

    @Test
    void operatorsActionsThatFindNothingToDo_sayFalse_andAFreeConversationIsNotProcessing() {
        Administration administration = new Administration(rig.locks, rig.state, rig.history.outbox(), List.of(),
                rig.clock, WorkerRig.TTL, 100);
        rig.arrive(message(conversation, "m1", 0, "hello"));

        assertFalse(administration.forceRelease(conversation));
        assertFalse(administration.retryDelivery(RunId.random()));
        assertFalse(administration.conversations(0, 10).conversations().getFirst().processing());
        rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
        assertTrue(administration.conversations(0, 10).conversations().getFirst().processing());
    }

    @Test
    void aMessageWaitingExactlyOneLockTtl_isNotStuckYet() {
        Administration administration = new Administration(rig.locks, rig.state, rig.history.outbox(), List.of(),
                rig.clock, WorkerRig.TTL, 100);
        rig.arrive(message(conversation, "m1", 0, "hello"));

        rig.clock.advance(WorkerRig.TTL);
        assertTrue(administration.health().stuck().isEmpty());
        rig.clock.advance(Duration.ofMillis(1));
        assertEquals(1, administration.health().stuck().size());
    }

    private void abandoned() {
        rig.arrive(message(conversation, "m1", 0, "hello"));
        rig.clock.advance(WorkerRig.TTL.plusMillis(1));
    }

    private Sweeper sweeper(LockPort locks, Predicate<Lease> startWorker, int pageSize) {
        return new Sweeper(locks, rig.state, rig.history, startWorker, rig.scheduler, WorkerRig.TTL, pageSize, 1_000,
                new AiRefusals(rig.clock), LifecycleEvents.NONE);
    }
}
