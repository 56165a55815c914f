package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pass does not renew a lease granted moments ago (issue 20: one Redis call less per message), and renews one
 * that is older than a third of its TTL, of unknown age, or that the quiet window would age past that third.
 */
class FreshLeaseTest {
    private final WorkerRig rig = new WorkerRig();
    private final ReportingLocks locks = new ReportingLocks(rig.locks);
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = rig.arrive(message(conversation, "m1", 0, "hello"));
    private final WaitingCaller caller = new WaitingCaller(first.id());

    @Test
    void aLeaseJustGranted_isNotRenewedAsThePassBegins() throws Exception {
        long asked = rig.scheduler.nanoTime();

        answerUnder(WorkerRig.SETTINGS, take(), OptionalLong.of(asked));

        assertEquals(0, locks.plainRenewals.get());
        assertEquals(1, locks.renewals.get(), "only the check after the AI");
    }

    @Test
    void aLeaseGrantedAThirdOfItsTtlAgo_isRenewedAsThePassBegins() throws Exception {
        long asked = rig.scheduler.nanoTime() - WorkerRig.TTL.dividedBy(3).toNanos();

        answerUnder(WorkerRig.SETTINGS, take(), OptionalLong.of(asked));

        assertEquals(1, locks.plainRenewals.get());
    }

    @Test
    void aLeaseOfUnknownAge_isRenewedAsThePassBegins() throws Exception {
        answerUnder(WorkerRig.SETTINGS, take(), OptionalLong.empty());

        assertEquals(1, locks.plainRenewals.get());
    }

    @Test
    void aLeaseTheQuietWindowWouldAgePastAThird_isRenewedAsThePassBegins() throws Exception {
        Duration ttl = Duration.ofMillis(300);
        OrchestratorSettings settings = WorkerRig.SETTINGS.withLockTtl(ttl)
                .withConsolidation(Duration.ofMillis(110), Duration.ofMillis(110));
        Lease lease = rig.locks.tryAcquire(conversation, ttl).orElseThrow();

        answerUnder(settings, lease, OptionalLong.of(rig.scheduler.nanoTime()));

        assertEquals(1, locks.plainRenewals.get());
    }

    private void answerUnder(OrchestratorSettings settings, Lease lease, OptionalLong asked) throws Exception {
        rig.worker(locks, rig.state, rig.history, WorkerRig::echo, settings).run(lease, asked, Optional.of(caller));
        assertInstanceOf(MessageOutcome.Completed.class, caller.outcome().get(10, TimeUnit.SECONDS));
    }

    private Lease take() {
        return rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    }
}
