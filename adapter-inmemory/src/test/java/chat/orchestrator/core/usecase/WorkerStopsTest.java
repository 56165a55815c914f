package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * How the worker stops: interrupted at shutdown, a store gone, a bug, a lease lost before it began, nothing left to
 * answer. Whatever the reason, its caller gets one outcome, the lock is let go (or was never ours) and what was not
 * answered stays pending for the next holder.
 */
class WorkerStopsTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = rig.arrive(message(conversation, "m1", 0, "hello"));
    private final WaitingCaller caller = new WaitingCaller(first.id());

    @Test
    void aWorkerInterruptedAtShutdown_tellsItsCallerToRetry_letsTheLockGo_andKeepsTheInterrupt() throws Exception {
        GatedAi ai = new GatedAi();
        ConversationWorker worker = rig.worker(ai);
        Lease lease = take();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread running = Thread.ofPlatform().daemon().start(() -> {
            worker.run(lease, Optional.of(caller));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        ai.awaitCall();

        running.interrupt();
        running.join(10_000);

        assertEquals(new MessageOutcome.Failed(first.id(), "shutting down", true), outcome());
        assertTrue(stillInterrupted.get(), "the interrupt is kept for the pool that is closing");
        assertFalse(rig.locks.inspect(conversation).isPresent());
        assertEquals(Set.of(first.id()), rig.state.pendingIds(conversation));
    }

    @Test
    void aStateStoreThatIsGone_failsTheCallerRetryably_andLetsTheLockGo() throws Exception {
        StatePort gone = Faults.failing(StatePort.class, rig.state, new StoreUnavailableException("redis down"),
                "snapshot");

        rig.worker(rig.locks, gone, rig.history, WorkerRig::echo, WorkerRig.SETTINGS).run(take(), Optional.of(caller));

        assertEquals(new MessageOutcome.Failed(first.id(), "storage unavailable: redis down", true), outcome());
        assertFalse(rig.locks.inspect(conversation).isPresent());
        assertEquals(Set.of(first.id()), rig.state.pendingIds(conversation));
    }

    @Test
    void aBugInTheLoop_failsTheCallerForGood_andLetsTheLockGo() throws Exception {
        HistoryPort broken = Faults.failing(HistoryPort.class, rig.history, new IllegalStateException("bug"),
                "commitAnswer");

        rig.worker(rig.locks, rig.state, broken, WorkerRig::echo, WorkerRig.SETTINGS).run(take(), Optional.of(caller));

        assertEquals(new MessageOutcome.Failed(first.id(), "internal error", false), outcome());
        assertFalse(rig.locks.inspect(conversation).isPresent());
    }

    @Test
    void aReleaseThatFailsAsTheWorkerStops_stillAnswersTheCaller() throws Exception {
        StoreUnavailableException down = new StoreUnavailableException("redis down");
        StatePort gone = Faults.failing(StatePort.class, rig.state, down, "snapshot");
        LockPort cannotRelease = Faults.failing(LockPort.class, rig.locks, down, "release");

        rig.worker(cannotRelease, gone, rig.history, WorkerRig::echo, WorkerRig.SETTINGS).run(take(), Optional.of(caller));

        assertEquals(new MessageOutcome.Failed(first.id(), "storage unavailable: redis down", true), outcome());
        assertTrue(rig.locks.inspect(conversation).isPresent(), "left to expire by itself");
    }

    @Test
    void anAiFailure_failsTheCallerRetryably_andLeavesTheBurstPending() throws Exception {
        rig.worker(ctx -> {
            throw new AiUnavailableException("model overloaded");
        }).run(take(), Optional.of(caller));

        assertEquals(new MessageOutcome.Failed(first.id(), "ai_unavailable: model overloaded", true), outcome());
        assertFalse(rig.locks.inspect(conversation).isPresent());
        assertEquals(Set.of(first.id()), rig.state.pendingIds(conversation));
    }

    @Test
    void aLeaseLostBeforeTheFirstPass_leavesEverythingToTheNewHolder() throws Exception {
        Lease expired = take();
        rig.clock.advance(WorkerRig.TTL.multipliedBy(2));
        Lease newHolder = rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
        GatedAi ai = new GatedAi();

        rig.worker(ai).run(expired, Optional.of(caller));

        assertEquals(new MessageOutcome.Locked(first.id()), outcome());
        assertTrue(ai.contexts().isEmpty(), "the AI was not asked");
        assertEquals(newHolder.ownerToken(), rig.locks.inspect(conversation).orElseThrow().ownerToken());
        assertEquals(Set.of(first.id()), rig.state.pendingIds(conversation));
    }

    @Test
    void nothingPending_releasesTheLock_withoutAskingTheAi() throws Exception {
        Lease lease = take();
        // Another holder's answer to m1 is stored and m1 cleared from pending: nothing is left, here or in history.
        rig.history.recordAnswer(new AiRun(RunId.random(), conversation, lease.fencingToken(), List.of(first.id()),
                WorkerRig.echo(new ConversationContext(conversation, List.of(), List.of(first))), rig.clock.instant()),
                rig.clock.instant());
        rig.state.removePending(lease, Set.of(first.id()));
        GatedAi ai = new GatedAi();

        rig.worker(ai).run(lease, Optional.of(caller));

        assertEquals(new MessageOutcome.Locked(first.id()), outcome(), "another holder answered it");
        assertTrue(ai.contexts().isEmpty());
        assertFalse(rig.locks.inspect(conversation).isPresent());
    }

    @Test
    void aPendingMessageHistoryShowsAnswered_isDroppedAndReportedDuplicate_notAnsweredAgain() throws Exception {
        // The holder before crashed between storing its answer to m1 and clearing m1 from pending.
        Lease crashed = take();
        rig.history.recordAnswer(new AiRun(RunId.random(), conversation, crashed.fencingToken(), List.of(first.id()),
                WorkerRig.echo(new ConversationContext(conversation, List.of(), List.of(first))), rig.clock.instant()),
                rig.clock.instant());
        rig.locks.release(crashed);
        InboundMessage second = rig.arrive(message(conversation, "m2", 1_000, "and also"));
        GatedAi ai = new GatedAi();
        Lease lease = take();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> rig.worker(ai).run(lease, Optional.of(caller)));
        ai.awaitCall();
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        MessageOutcome.Duplicate duplicate = assertInstanceOf(MessageOutcome.Duplicate.class, outcome());
        assertEquals("answer to [m1]", duplicate.earlierAnswer().orElseThrow().text());
        assertEquals(List.of(second.id()), ai.contexts().getFirst().burst().stream().map(InboundMessage::id).toList());
        assertEquals(1, ai.contexts().size());
        assertTrue(rig.state.pendingIds(conversation).isEmpty());
        assertFalse(rig.locks.inspect(conversation).isPresent());
    }

    private Lease take() {
        return rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    }

    private MessageOutcome outcome() throws Exception {
        return caller.outcome().get(10, TimeUnit.SECONDS);
    }
}
