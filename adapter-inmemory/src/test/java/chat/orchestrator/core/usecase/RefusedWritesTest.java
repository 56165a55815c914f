package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.RunId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes history refuses: part of the burst answered by another holder meanwhile, a discard under a token history
 * has seen superseded, and a batch that leaves the caller's own message for the next pass.
 */
class RefusedWritesTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = rig.arrive(message(conversation, "m1", 0, "hello"));
    private final InboundMessage second = rig.arrive(message(conversation, "m2", 1_000, "I want to book"));
    private final GatedAi ai = new GatedAi();

    @Test
    void aBurstPartlyAnsweredByAnotherHolderMeanwhile_isReadAgain_andOnlyTheRestIsAnswered() throws Exception {
        WaitingCaller caller = new WaitingCaller(second.id());
        Lease lease = take();
        CompletableFuture<Void> done = run(lease, caller);
        ai.awaitCall();
        // A paused holder of the same generation stored its answer to m1 while our AI ran.
        assertInstanceOf(FencedWrite.Committed.class, rig.history.recordAnswer(
                run(lease.fencingToken(), first), rig.clock.instant()));
        ai.answer();
        ai.awaitCall();
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome(caller));
        assertEquals("answer to [m2]", completed.reply().text());
        assertEquals(List.of(List.of(first.id(), second.id()), List.of(second.id())),
                ai.contexts().stream().map(c -> c.burst().stream().map(InboundMessage::id).toList()).toList());
        assertEquals(2, rig.history.sentRuns().size(), "the other holder's answer and ours to what it left");
        assertTrue(rig.state.pendingIds(conversation).isEmpty());
    }

    @Test
    void aStaleAnswerWhoseDiscardIsRefused_liftsTheCounter_retakesTheLock_andAnswersEverything() throws Exception {
        WaitingCaller caller = new WaitingCaller(first.id());
        Lease lease = take();
        CompletableFuture<Void> done = run(lease, caller);
        ai.awaitCall();
        // Meanwhile a message came, and history saw token 7 (the lock store had lost its counter).
        InboundMessage third = rig.arrive(message(conversation, "m3", 2_000, "a check-up"));
        rig.history.raiseFence(conversation, new FencingToken(7));
        ai.answer();
        ai.awaitCall();
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome(caller));
        assertEquals("answer to [m1, m2, m3]", completed.reply().text());
        assertTrue(rig.history.discardedRuns().isEmpty(), "the refused discard left no trace");
        AiRun sent = rig.history.sentRuns().getFirst();
        assertTrue(sent.fencingToken().value() > 7, "answered under a token above history's highest");
        assertEquals(List.of(first.id(), second.id(), third.id()), sent.messageIds());
        assertFalse(rig.locks.inspect(conversation).isPresent());
    }

    @Test
    void aDiscardRefusedWhileAnotherHolderHasTheConversation_leavesEverythingToIt() throws Exception {
        WaitingCaller caller = new WaitingCaller(first.id());
        // Its renewals report success, as one that returned just before a long pause would.
        LockPort blind = Faults.overriding(LockPort.class, Faults.overriding(LockPort.class, rig.locks, () -> true, "renew"),
                () -> new LeaseCheck.Held(rig.state.pendingIds(conversation)), "renewReadingPending");
        ConversationWorker worker = rig.worker(blind, rig.state, rig.history, ai, WorkerRig.SETTINGS);
        Lease lease = take();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> worker.run(lease, Optional.of(caller)));
        ai.awaitCall();
        rig.arrive(message(conversation, "m3", 2_000, "a check-up"));
        // Our lease ran out; a newer holder took the conversation and raised the fence.
        rig.clock.advance(WorkerRig.TTL.multipliedBy(2));
        Lease newer = take();
        rig.history.raiseFence(conversation, newer.fencingToken());
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        assertEquals(new MessageOutcome.Locked(first.id()), outcome(caller));
        assertTrue(rig.history.sentRuns().isEmpty());
        assertTrue(rig.history.discardedRuns().isEmpty());
        assertEquals(newer.ownerToken(), rig.locks.inspect(conversation).orElseThrow().ownerToken());
    }

    @Test
    void aBatchThatLeavesTheCallersMessageOut_answersTheCallerOnlyWithItsOwnAnswer() throws Exception {
        WaitingCaller caller = new WaitingCaller(second.id());
        ConversationWorker worker = rig.worker(rig.locks, rig.state, rig.history, ai,
                WorkerRig.SETTINGS.withMaxBatchSize(1));
        Lease lease = take();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> worker.run(lease, Optional.of(caller)));
        ai.awaitCall();
        ai.answer();
        ai.awaitCall();
        assertFalse(caller.outcome().isDone(), "the answer to m1 is not the caller's");
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome(caller));
        assertEquals("answer to [m2]", completed.reply().text());
        assertEquals(1, completed.consolidatedMessages());
    }

    private AiRun run(FencingToken token, InboundMessage... burst) {
        ConversationContext context = new ConversationContext(conversation, List.of(), List.of(burst));
        return new AiRun(RunId.random(), conversation, token, List.of(burst).stream().map(InboundMessage::id).toList(),
                WorkerRig.echo(context), rig.clock.instant());
    }

    private CompletableFuture<Void> run(Lease lease, WaitingCaller caller) {
        ConversationWorker worker = rig.worker(ai);
        return CompletableFuture.runAsync(() -> worker.run(lease, Optional.of(caller)));
    }

    private Lease take() {
        return rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    }

    private static MessageOutcome outcome(WaitingCaller caller) throws Exception {
        return caller.outcome().get(10, TimeUnit.SECONDS);
    }
}
