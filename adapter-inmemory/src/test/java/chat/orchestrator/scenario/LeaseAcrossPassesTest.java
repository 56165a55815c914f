package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A holder whose delivery took most of its lease and who then finds a newer message keeps its lease for the next
 * pass: each pass starts with a renewal, so the second answer is not lost to an expiry nobody else caused.
 */
class LeaseAcrossPassesTest {
    private static final Duration TTL = Duration.ofSeconds(30);

    @Test
    void aSlowDeliveryFollowedByANewerMessage_stillGetsTheSecondBurstAnswered() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
        InMemoryStore store = new InMemoryStore(clock);
        InMemoryState state = new InMemoryState(store);
        InMemoryHistory history = new InMemoryHistory(clock);
        Harness.RecordingPancake recorded = new Harness.RecordingPancake();
        ConversationId conversation = newConversation();
        AtomicInteger deliveries = new AtomicInteger();
        AtomicInteger aiCalls = new AtomicInteger();
        try (Orchestrator orchestrator = Orchestrator.builder()
                .locks(new InMemoryLocks(store)).state(state).history(history).outbox(history.outbox())
                .ai(context -> {
                    if (aiCalls.incrementAndGet() == 2) {
                        clock.advance(TTL.dividedBy(5));
                    }
                    return Harness.echo(context);
                })
                .pancake((Delivery delivery) -> {
                    DeliveryReport report = recorded.deliver(delivery);
                    if (deliveries.incrementAndGet() == 1) {
                        // Retries to a slow Pancake used most of the lease; meanwhile the customer wrote again.
                        clock.advance(TTL.multipliedBy(9).dividedBy(10));
                        state.accept(message(conversation, "m2", 1_000, "one more thing"));
                        history.record(message(conversation, "m2", 1_000, "one more thing"));
                    }
                    return report;
                })
                .settings(Harness.FAST.withLockTtl(TTL)).clock(clock).build()) {

            MessageOutcome first = orchestrator.handle(message(conversation, "m1", 0, "hello"));

            assertInstanceOf(MessageOutcome.Completed.class, first);
            await("the second burst is answered").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> recorded.deliveries().size() >= 2);
            orchestrator.close(); // returns once the worker has finished: no third answer can follow
            assertEquals(2, recorded.deliveries().size(), "the second burst was answered by the same holder, once");
            assertEquals("answer to [m2]", recorded.deliveries().get(1).reply().text());
        }
    }
}
