package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.LockInfo;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.ReleaseOutcome;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1: a holder paused past its lease (GC, a slow AI) while another instance took the conversation can
 * neither write nor send. Two orchestrators share one store and one history, as two instances share Redis and
 * PostgreSQL; the first one's AI call is where the pause happens.
 */
class SupersededHolderTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final OrchestratorSettings SETTINGS = Harness.FAST.withLockTtl(TTL);

    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock);
    private final InMemoryState state = new InMemoryState(store);
    private final InMemoryHistory history = new InMemoryHistory();
    private final Harness.RecordingPancake pancake = new Harness.RecordingPancake();

    @Test
    void aHolderWhoseLeaseExpiredDuringTheAiCall_sendsNothing_andTheNewHolderAnswersEverything() {
        ConversationId conversation = newConversation();
        AtomicReference<MessageOutcome> newHolderOutcome = new AtomicReference<>();
        try (Orchestrator newHolder = orchestrator(new InMemoryLocks(store), Harness::echo);
             // Its guard polls only when the AI has answered, as a holder paused in the call would: a guard that
             // noticed the lost lease first would cancel the call and with it the new holder's request made in it.
             Orchestrator pausedHolder = orchestrator(new InMemoryLocks(store), context -> {
                 clock.advance(TTL.multipliedBy(2));
                 newHolderOutcome.set(newHolder.handle(message(conversation, "m2", 1_000, "are you there?")));
                 return Harness.echo(context);
             }, SETTINGS.withPollInterval(Duration.ofMinutes(5)))) {

            MessageOutcome paused = pausedHolder.handle(message(conversation, "m1", 0, "hi"));

            assertInstanceOf(MessageOutcome.Locked.class, paused);
            assertInstanceOf(MessageOutcome.Completed.class, newHolderOutcome.get());
            assertEquals(1, pancake.deliveries().size());
            assertEquals("answer to [m1, m2]", pancake.deliveries().getFirst().reply().text());
        }
    }

    @Test
    void aHolderWhoseRenewalWasTheLastThingBeforeALongPause_isRefusedByTheFence() {
        ConversationId conversation = newConversation();
        AtomicInteger pausedCalls = new AtomicInteger();
        AtomicReference<MessageOutcome> newHolderOutcome = new AtomicReference<>();
        // Its renewals report success, as a renewal that returned just before a GC pause would.
        LockPort blindLocks = new RenewalAlwaysSucceeds(new InMemoryLocks(store), state);
        try (Orchestrator newHolder = orchestrator(new InMemoryLocks(store), Harness::echo);
             Orchestrator pausedHolder = orchestrator(blindLocks, context -> {
                 if (pausedCalls.incrementAndGet() == 1) {
                     clock.advance(TTL.multipliedBy(2));
                     newHolderOutcome.set(newHolder.handle(message(conversation, "m2", 1_000, "are you there?")));
                 }
                 return Harness.echo(context);
             })) {

            MessageOutcome paused = pausedHolder.handle(message(conversation, "m1", 0, "hi"));

            assertInstanceOf(MessageOutcome.Completed.class, newHolderOutcome.get());
            assertInstanceOf(MessageOutcome.Locked.class, paused);
            assertEquals(1, pancake.deliveries().size(), "only the newer holder sent anything");
            assertEquals(List.of("answer to [m1, m2]"),
                    history.sentRuns().stream().map(run -> run.reply().text()).toList());
        }
    }

    @Test
    void aPausedHolderCannotCommit_evenBeforeTheNewHolderHasWrittenAnything() throws Exception {
        ConversationId conversation = newConversation();
        AtomicInteger pausedCalls = new AtomicInteger();
        java.util.concurrent.CountDownLatch newHolderAsking = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letNewHolderAnswer = new java.util.concurrent.CountDownLatch(1);
        LockPort blindLocks = new RenewalAlwaysSucceeds(new InMemoryLocks(store), state);
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Orchestrator newHolder = orchestrator(new InMemoryLocks(store), context -> {
                 newHolderAsking.countDown();
                 try {
                     letNewHolderAnswer.await();
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return Harness.echo(context);
             });
             Orchestrator pausedHolder = orchestrator(blindLocks, context -> {
                 if (pausedCalls.incrementAndGet() == 1) {
                     clock.advance(TTL.multipliedBy(2));
                     background.submit(() -> newHolder.handle(message(conversation, "m2", 1_000, "are you there?")));
                     try {
                         // The new holder has its lease and is waiting for its AI: it has written nothing yet.
                         newHolderAsking.await();
                     } catch (InterruptedException e) {
                         Thread.currentThread().interrupt();
                     }
                 }
                 return Harness.echo(context);
             })) {

            MessageOutcome paused = pausedHolder.handle(message(conversation, "m1", 0, "hi"));
            assertInstanceOf(MessageOutcome.Locked.class, paused, "refused by the fence the new holder raised at start");
            assertEquals(0, pancake.deliveries().size(), "the paused holder sent nothing");
            letNewHolderAnswer.countDown();
            background.shutdown();
            assertTrue(background.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));

            assertEquals(List.of("answer to [m1, m2]"),
                    history.sentRuns().stream().map(run -> run.reply().text()).toList());
        } finally {
            background.shutdownNow();
        }
    }

    private Orchestrator orchestrator(LockPort locks, AiPort ai) {
        return orchestrator(locks, ai, SETTINGS);
    }

    private Orchestrator orchestrator(LockPort locks, AiPort ai, OrchestratorSettings settings) {
        return Orchestrator.builder().locks(locks).state(state).history(history).outbox(history.outbox()).ai(ai).pancake(pancake)
                .settings(settings).clock(clock).build();
    }

    private record RenewalAlwaysSucceeds(LockPort locks, StatePort state) implements LockPort {
        public Optional<Lease> tryAcquire(ConversationId id, Duration ttl) {
            return locks.tryAcquire(id, ttl);
        }

        public Admission acceptAndTryAcquire(InboundMessage message, Duration ttl) {
            return locks.acceptAndTryAcquire(message, ttl);
        }

        public boolean renew(Lease lease, Duration ttl) {
            return true;
        }

        public LeaseCheck renewReadingPending(Lease lease, Duration ttl) {
            return new LeaseCheck.Held(state.pendingIds(lease.conversationId()));
        }

        public ReleaseOutcome removeAndReleaseIfNoPending(Lease lease, Set<MessageId> answered) {
            return locks.removeAndReleaseIfNoPending(lease, answered);
        }

        public boolean release(Lease lease) {
            return locks.release(lease);
        }

        public ReleaseOutcome releaseIfNoPending(Lease lease) {
            return locks.releaseIfNoPending(lease);
        }

        public boolean forceRelease(ConversationId id) {
            return locks.forceRelease(id);
        }

        public void raiseFencingFloor(ConversationId id, chat.orchestrator.core.port.FencingToken floor) {
            locks.raiseFencingFloor(id, floor);
        }

        public Optional<LockInfo> inspect(ConversationId id) {
            return locks.inspect(id);
        }
    }
}
