package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.Administration.Status;
import chat.orchestrator.core.usecase.Administration.StuckReason;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AdministrationTest {
    private static final Duration LOCK_TTL = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock, Duration.ofDays(7));
    private final InMemoryLocks locks = new InMemoryLocks(store);
    private final InMemoryState state = new InMemoryState(store);
    private final AtomicBoolean down = new AtomicBoolean();
    private final HealthPort memory = () -> down.get() ? ComponentHealth.down("memory", "gone") : ComponentHealth.up("memory", Map.of());
    private final Administration administration = new Administration(locks, state,
            new chat.orchestrator.inmemory.InMemoryHistory(clock).outbox(), List.of(memory), clock, LOCK_TTL, 100);

    @Test
    void aMessageWaitingLongerThanALockTtlWithNoHolder_isStuck_andDegradesHealth() {
        ConversationId orphan = newConversation();
        state.accept(message(orphan, "m1", 0, "is anyone there?"));
        assertEquals(Status.HEALTHY, administration.health().status(), "a fresh message is about to be taken");

        clock.advance(LOCK_TTL.plusSeconds(1));
        Administration.SystemHealth health = administration.health();

        assertEquals(Status.DEGRADED, health.status());
        assertEquals(1, health.stuck().size());
        assertEquals(orphan, health.stuck().getFirst().conversationId());
        assertEquals(StuckReason.PENDING_WITHOUT_HOLDER, health.stuck().getFirst().reason());
    }

    @Test
    void anAnsweredConversationIdleLongerThanALockTtl_isNotStuck() {
        ConversationId answered = newConversation();
        state.accept(message(answered, "m1", 0, "thanks"));
        var lease = locks.tryAcquire(answered, LOCK_TTL).orElseThrow();
        assertTrue(state.removePending(lease, java.util.Set.of(chat.orchestrator.core.domain.MessageId.of("m1"))));
        assertTrue(locks.release(lease));

        clock.advance(LOCK_TTL.multipliedBy(3));

        assertEquals(List.of(), administration.health().stuck());
        assertEquals(Status.HEALTHY, administration.health().status());
    }

    @Test
    void aLockHeldTenTtlsPastTheLastMessage_isStuck_untilForceReleased() {
        ConversationId held = newConversation();
        state.accept(message(held, "m1", 0, "hello"));
        locks.tryAcquire(held, Duration.ofHours(1)).orElseThrow();
        clock.advance(LOCK_TTL.multipliedBy(11));

        Administration.SystemHealth health = administration.health();

        assertEquals(StuckReason.HELD_TOO_LONG, health.stuck().getFirst().reason());
        assertEquals(1, health.activeAiTasks());
        assertTrue(administration.forceRelease(held));
        assertEquals(StuckReason.PENDING_WITHOUT_HOLDER, administration.health().stuck().getFirst().reason(),
                "the message is still waiting, now visibly without a holder");
    }

    @Test
    void aStoreThatIsDown_makesTheSystemUnhealthy() {
        down.set(true);

        Administration.SystemHealth health = administration.health();

        assertEquals(Status.UNHEALTHY, health.status());
        assertTrue(health.components().stream().noneMatch(ComponentHealth::up));
    }

    @Test
    void statsSplitRecentAndOldConversations() {
        state.accept(message(newConversation(), "m1", 0, "old"));
        clock.advance(Duration.ofHours(2));
        state.accept(message(newConversation(), "m1", 0, "recent"));

        Administration.ConversationStats stats = administration.stats();

        assertEquals(2, stats.total());
        assertEquals(1, stats.recent());
        assertEquals(1, stats.old());
    }

    @Test
    void cleanupForgetsConversationsIdleLongerThanTheAge() {
        state.accept(message(newConversation(), "m1", 0, "old"));
        ConversationId answered = newConversation();
        state.accept(message(answered, "m1", 0, "answered"));
        var lease = locks.tryAcquire(answered, LOCK_TTL).orElseThrow();
        state.removePending(lease, java.util.Set.of(chat.orchestrator.core.domain.MessageId.of("m1")));
        locks.release(lease);
        clock.advance(Duration.ofHours(25));

        assertEquals(1, administration.removeIdleConversations(Duration.ofHours(24)), "the pending one stays");
        assertTrue(state.conversation(answered).isEmpty());
    }
}
