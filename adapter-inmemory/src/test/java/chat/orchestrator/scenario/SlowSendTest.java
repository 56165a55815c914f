package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StoreUnavailableException;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A send that outlasts its claim keeps the claim by renewing it, and a renewal the store refuses does not cut it. */
class SlowSendTest {
    private static final DeliverySettings DELIVERY = DeliverySettings.defaults()
            .withDispatchInterval(Duration.ZERO).withClaim(Duration.ofMillis(300), Duration.ofSeconds(5));

    private final InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
    private final InMemoryHistory history = new InMemoryHistory();
    private final Harness.RecordingPancake recording = new Harness.RecordingPancake();

    @Test
    void aSendLongerThanItsClaim_isRenewedAndRecordedOnce_evenWhenSomeRenewalsFail() {
        AtomicInteger renewals = new AtomicInteger();
        OutboxPort flakyRenewals = new RenewalsFailEveryOtherTime(history.outbox(), renewals);
        OrchestratorSettings settings = Harness.FAST.withSweepInterval(Duration.ZERO).withDelivery(DELIVERY);
        try (Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(store))
                .state(new InMemoryState(store)).history(history).outbox(flakyRenewals).ai(Harness::echo)
                .pancake(delivery -> {
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return recording.deliver(delivery);
                })
                .settings(settings).build()) {
            ConversationId conversation = newConversation();

            orchestrator.handle(message(conversation, "m1", 0, "Xin chào"));

            assertTrue(renewals.get() >= 4, "renewed every third of the claim while sending: " + renewals.get());
            assertEquals(1, recording.deliveries().size());
            assertEquals(1, history.outbox().count(DeliveryState.DELIVERED), "the attempt was recorded");
            assertEquals(0, history.outbox().count(DeliveryState.PENDING));
        }
    }

    private record RenewalsFailEveryOtherTime(OutboxPort outbox, AtomicInteger renewals) implements OutboxPort {
        public boolean renew(ClaimedDelivery claim, Duration claimFor) {
            if (renewals.incrementAndGet() % 2 == 0) {
                throw new StoreUnavailableException("renew claim of " + claim.runId(), new RuntimeException("down"));
            }
            return outbox.renew(claim, claimFor);
        }

        public List<ClaimedDelivery> claimDue(Duration claimFor, int limit) {
            return outbox.claimDue(claimFor, limit);
        }

        public Optional<ClaimedDelivery> claimNext(ConversationId id, Duration claimFor) {
            return outbox.claimNext(id, claimFor);
        }

        public Recorded recordAttempt(ClaimedDelivery claim, DeliveryAttempt attempt) {
            return outbox.recordAttempt(claim, attempt);
        }

        public List<UndeliveredAnswer> list(DeliveryState state, int limit) {
            return outbox.list(state, limit);
        }

        public long count(DeliveryState state) {
            return outbox.count(state);
        }

        public boolean retry(RunId runId, Instant now) {
            return outbox.retry(runId, now);
        }
    }
}
