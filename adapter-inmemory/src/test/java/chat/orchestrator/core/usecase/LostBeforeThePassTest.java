package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A lease that cannot be renewed as a pass begins: the pass does nothing, and its caller is told who answers. */
class LostBeforeThePassTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = rig.arrive(message(conversation, "m1", 0, "hello"));
    private final GatedAi ai = new GatedAi();

    @Test
    void aLeaseLostBeforeThePass_leavesTheBurstPending_andTellsTheCallerTheConversationIsHeld() throws Exception {
        LockPort lost = Faults.overriding(LockPort.class, rig.locks, () -> false, "renew");
        ConversationWorker worker = rig.worker(lost, rig.state, rig.history, ai, WorkerRig.SETTINGS);
        Lease lease = rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
        WaitingCaller caller = new WaitingCaller(first.id());

        worker.run(lease, Optional.of(caller));

        assertEquals(new MessageOutcome.Locked(first.id()), caller.outcome().get(10, TimeUnit.SECONDS));
        assertTrue(ai.contexts().isEmpty(), "no AI call without a lease");
        assertEquals(Set.of(first.id()), rig.state.pendingIds(conversation));
        assertTrue(rig.history.sentRuns().isEmpty());
    }
}
