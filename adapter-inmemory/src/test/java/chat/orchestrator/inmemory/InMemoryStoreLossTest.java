package chat.orchestrator.inmemory;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.PendingSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each {@link InMemoryStore.Loss} leaves the store as the Redis adapter would be after losing the same key. */
class InMemoryStoreLossTest {
    private static final Duration TTL = Duration.ofSeconds(10);

    private final InMemoryStore store = new InMemoryStore(new TestClock(Instant.parse("2026-11-25T10:00:00Z")));
    private final InMemoryState state = new InMemoryState(store);
    private final InMemoryLocks locks = new InMemoryLocks(store);
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = message(conversation, "a", 1_000, "hi");
    private final InboundMessage second = message(conversation, "b", 2_000, "I want");

    @Test
    void oneBodyIsTheOldestPendingOnesThenTheNextOldest() {
        state.accept(second);
        state.accept(first);

        store.lose(conversation, InMemoryStore.Loss.ONE_BODY);
        assertEquals(List.of(second), state.pending(conversation, 10));
        store.lose(conversation, InMemoryStore.Loss.ONE_BODY);
        assertEquals(List.of(), state.pending(conversation, 10));

        PendingSnapshot snapshot = state.snapshot(conversation, 10);
        assertEquals(Set.of(first.id(), second.id()), snapshot.bodiless());
        assertTrue(snapshot.ids().isEmpty());
    }

    @Test
    void bodiesLosesEveryBodyButKeepsTheIdsPending() {
        state.accept(first);
        state.accept(second);

        store.lose(conversation, InMemoryStore.Loss.BODIES);

        assertEquals(List.of(), state.pending(conversation, 10));
        assertEquals(Set.of(first.id(), second.id()), state.pendingIds(conversation));
        assertEquals(2, state.conversation(conversation).orElseThrow().pendingMessages());
        assertEquals(Set.of(first.id(), second.id()), state.snapshot(conversation, 10).bodiless());
    }

    @Test
    void thePendingSetGoesButTheSeenIdsStay() {
        state.accept(first);

        store.lose(conversation, InMemoryStore.Loss.PENDING_SET);

        assertTrue(state.pendingIds(conversation).isEmpty());
        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(first));
        assertTrue(state.requeue(first));
        assertEquals(List.of(first), state.pending(conversation, 10));
    }

    @Test
    void theSeenIdsGoAndARedeliveryIsAcceptedAgainAsOnePendingMessage() {
        state.accept(first);

        store.lose(conversation, InMemoryStore.Loss.SEEN_IDS);

        assertEquals(AcceptOutcome.ACCEPTED, state.accept(first));
        assertEquals(List.of(first), state.pending(conversation, 10));
    }

    @Test
    void theFencingCounterStartsAgainBelowTheTokensHandedOut() {
        Lease before = locks.tryAcquire(conversation, TTL).orElseThrow();
        locks.release(before);
        Lease again = locks.tryAcquire(conversation, TTL).orElseThrow();
        locks.release(again);

        store.lose(conversation, InMemoryStore.Loss.FENCING_COUNTER);

        Lease after = locks.tryAcquire(conversation, TTL).orElseThrow();
        assertTrue(again.fencingToken().isNewerThan(after.fencingToken()), after + " after " + again);
    }

    @Test
    void theLockGoesWhileItsHolderStillThinksItHoldsIt() {
        Lease holder = locks.tryAcquire(conversation, TTL).orElseThrow();

        store.lose(conversation, InMemoryStore.Loss.LOCK);

        assertTrue(locks.inspect(conversation).isEmpty());
        assertTrue(locks.tryAcquire(conversation, TTL).isPresent());
        assertEquals(false, locks.renew(holder, TTL));
    }

    @Test
    void aBodyLostThenAcceptedAgainAfterTheSeenIdsWentComesBackWhole() {
        state.accept(first);
        store.loseBody(conversation, first.id());
        store.lose(conversation, InMemoryStore.Loss.SEEN_IDS);

        assertEquals(AcceptOutcome.ACCEPTED, state.accept(first));

        PendingSnapshot snapshot = state.snapshot(conversation, 10);
        assertEquals(List.of(first), snapshot.batch());
        assertTrue(snapshot.bodiless().isEmpty());
    }
}
