package chat.orchestrator.core.usecase;

import chat.orchestrator.core.port.LifecycleEvents;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The request side of a message: what a caller is told when the conversation is held, when its message comes
 * again, when the pool is closing, when the answer takes longer than it waits, when a store is gone. Workers run
 * only when the test runs them ({@link ManualExecutor}).
 */
class HandleMessagePathsTest {
    private final WorkerRig rig = new WorkerRig();
    private final ManualExecutor executor = new ManualExecutor();
    private final ConversationId conversation = newConversation();
    private final InboundMessage hello = message(conversation, "m1", 0, "hello");

    @Test
    void aRedeliveredMessageWhoseConversationIsHeld_isADuplicate_whileAFreshOneIsLocked() {
        HandleMessage messages = handleMessage(rig.state, rig.history);
        Lease other = take();

        MessageOutcome firstDelivery = decided(messages.submit(hello));
        MessageOutcome redelivery = decided(messages.submit(hello));

        assertEquals(new MessageOutcome.Locked(hello.id()), firstDelivery);
        assertEquals(new MessageOutcome.Duplicate(hello.id(), Optional.empty()), redelivery);
        assertEquals(other.ownerToken(), rig.locks.inspect(conversation).orElseThrow().ownerToken());
        assertEquals(0, executor.queued());
    }

    @Test
    void aRedeliveredMessageThatIsNoLongerPending_startsAWorkerThatAnswersItWithTheRest_andIsADuplicate() {
        HandleMessage messages = handleMessage(rig.state, rig.history);
        rig.arrive(hello);
        // The state store lost m1's pending entry (no holder removes one before its answer is stored); m2 waits.
        Lease holder = take();
        rig.state.removePending(holder, Set.of(hello.id()));
        rig.locks.release(holder);
        InboundMessage more = rig.arrive(message(conversation, "m2", 1_000, "more"));

        MessageOutcome redelivery = decided(messages.submit(hello));

        assertEquals(new MessageOutcome.Duplicate(hello.id(), Optional.empty()), redelivery);
        assertEquals(1, executor.runAll(), "a worker was started for what is pending");
        assertEquals(1, rig.history.sentRuns().size());
        assertEquals(java.util.List.of(hello.id(), more.id()), rig.history.sentRuns().getFirst().messageIds(),
                "history still had m1 unanswered: the worker's fence brings it back into the burst");
    }

    @Test
    void anAnsweredMessageComingAgain_isADuplicateCarryingItsAnswer() {
        HandleMessage messages = handleMessage(rig.state, rig.history);
        Submission first = messages.submit(hello);
        executor.runAll();
        assertInstanceOf(Submission.Started.class, first);

        MessageOutcome again = decided(messages.submit(hello));

        MessageOutcome.Duplicate duplicate = assertInstanceOf(MessageOutcome.Duplicate.class, again);
        assertEquals("answer to [m1]", duplicate.earlierAnswer().orElseThrow().text());
    }

    @Test
    void aPoolThatIsClosing_failsTheCallerRetryably_andLetsTheLockGo() {
        HandleMessage messages = handleMessage(rig.state, rig.history);
        executor.shutdown();

        MessageOutcome outcome = decided(messages.submit(hello));

        assertEquals(new MessageOutcome.Failed(hello.id(), "shutting down", true), outcome);
        assertFalse(rig.locks.inspect(conversation).isPresent());
        assertEquals(Set.of(hello.id()), rig.state.pendingIds(conversation), "kept for the next holder");
    }

    @Test
    void aSweptConversationWhoseWorkerIsRejected_hasItsLockLetGo() {
        HandleMessage messages = handleMessage(rig.state, rig.history);
        executor.shutdown();

        assertFalse(messages.startWorker(take()));

        assertFalse(rig.locks.inspect(conversation).isPresent());
    }

    @Test
    void aCallerWhoseAnswerTakesLongerThanItWaits_isToldTheConversationIsInHand() {
        HandleMessage messages = new HandleMessage(rig.locks, rig.state, rig.history, rig.worker(WorkerRig::echo),
                executor, rig.scheduler, WorkerRig.SETTINGS.withAnswerWait(Duration.ofMillis(1)), LifecycleEvents.NONE);

        // The worker never runs while the caller waits.
        MessageOutcome outcome = messages.handle(hello);

        assertEquals(new MessageOutcome.Locked(hello.id()), outcome);
        executor.runAll();
        assertEquals(1, rig.history.sentRuns().size(), "its worker answers all the same");
    }

    @Test
    void aCallerInterruptedWhileWaiting_isToldToRetry_andKeepsTheInterrupt() {
        HandleMessage messages = handleMessage(rig.state, rig.history);
        Thread.currentThread().interrupt();
        MessageOutcome outcome;
        boolean interrupted;
        try {
            outcome = messages.handle(hello);
        } finally {
            interrupted = Thread.interrupted();
        }

        assertEquals(new MessageOutcome.Failed(hello.id(), "interrupted while waiting for the answer", true), outcome);
        assertTrue(interrupted);
    }

    @Test
    void handle_waitsForTheWorkersOutcome() {
        HandleMessage messages = new HandleMessage(rig.locks, rig.state, rig.history, rig.worker(WorkerRig::echo),
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor(), rig.scheduler, WorkerRig.SETTINGS,
                LifecycleEvents.NONE);

        MessageOutcome outcome = messages.handle(hello);

        MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome);
        assertEquals("answer to [m1]", completed.reply().text());
    }

    @Test
    void aStoreThatIsGoneAtSubmit_failsTheCallerRetryably() {
        StoreUnavailableException down = new StoreUnavailableException("redis down");
        // Accept and the lock attempt are one step of the state store.
        HandleMessage stateGone = handleMessage(
                Faults.failing(LockPort.class, rig.locks, down, "acceptAndTryAcquire"), rig.state, rig.history);
        HandleMessage historyGone = handleMessage(rig.state,
                Faults.failing(HistoryPort.class, rig.history, new StoreUnavailableException("postgres down"), "record"));

        assertEquals(new MessageOutcome.Failed(hello.id(), "storage unavailable: redis down", true),
                decided(stateGone.submit(hello)));
        assertEquals(new MessageOutcome.Failed(hello.id(), "storage unavailable: postgres down", true),
                decided(historyGone.submit(hello)));
        assertFalse(rig.locks.inspect(conversation).isPresent());
        assertEquals(0, executor.queued());
    }

    @Test
    void theHolderOfANewMessage_isStartedWithItsFencingToken() {
        HandleMessage messages = handleMessage(rig.state, rig.history);

        Submission.Started started = assertInstanceOf(Submission.Started.class, messages.submit(hello));

        assertEquals(rig.locks.inspect(conversation).orElseThrow().fencingToken().value(), started.fencingToken());
        assertFalse(started.outcome().isDone());
        executor.runAll();
        assertInstanceOf(MessageOutcome.Completed.class, started.outcome().join());
    }

    private HandleMessage handleMessage(StatePort state, HistoryPort history) {
        return handleMessage(rig.locks, state, history);
    }

    private HandleMessage handleMessage(LockPort locks, StatePort state, HistoryPort history) {
        return new HandleMessage(locks, state, history, rig.worker(WorkerRig::echo), executor, rig.scheduler, WorkerRig.SETTINGS,
                LifecycleEvents.NONE);
    }

    private Lease take() {
        return rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    }

    private static MessageOutcome decided(Submission submission) {
        return assertInstanceOf(Submission.Decided.class, submission).outcome();
    }
}
