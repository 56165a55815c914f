package chat.orchestrator.core.contract;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.LockInfo;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.ReleaseOutcome;
import chat.orchestrator.core.port.StatePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link LockPort} must guarantee. Adapters extend this with a fresh store per test. */
public abstract class LockPortContract {
    protected static final Duration TTL = Duration.ofSeconds(10);
    protected static final Duration SHORT_TTL = Duration.ofMillis(400);

    private LockPort locks;
    private StatePort state;

    /** Lock and state ports over one store, emptied for this test. */
    protected abstract StorePorts freshStore();

    /** Lets {@code duration} pass for the store's TTLs: advance a clock, or sleep for real servers. */
    protected abstract void letTimePass(Duration duration);

    /** The two ports that share a store. */
    public record StorePorts(LockPort locks, StatePort state) {
    }

    @BeforeEach
    void openStore() {
        StorePorts ports = freshStore();
        locks = ports.locks();
        state = ports.state();
    }

    @Test
    void aFreeLockIsAcquiredOnceAndThenRefused() {
        ConversationId conversation = newConversation();

        Optional<Lease> first = locks.tryAcquire(conversation, TTL);
        Optional<Lease> second = locks.tryAcquire(conversation, TTL);

        assertTrue(first.isPresent());
        assertEquals(conversation, first.get().conversationId());
        assertTrue(second.isEmpty());
    }

    @Test
    void locksOfDifferentConversationsAreIndependent() {
        assertTrue(locks.tryAcquire(newConversation(), TTL).isPresent());
        assertTrue(locks.tryAcquire(newConversation(), TTL).isPresent());
    }

    @Test
    void everyAcquisitionGetsAHigherFencingTokenAndANewOwner() {
        ConversationId conversation = newConversation();
        Lease first = locks.tryAcquire(conversation, TTL).orElseThrow();
        assertTrue(locks.release(first));
        Lease second = locks.tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(second.fencingToken().isNewerThan(first.fencingToken()));
        assertNotEquals(first.ownerToken(), second.ownerToken());
    }

    @Test
    void onlyTheOwnerCanRenewOrRelease() {
        ConversationId conversation = newConversation();
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        Lease impostor = new Lease(conversation, "someone-else", lease.fencingToken());

        assertFalse(locks.renew(impostor, TTL));
        assertFalse(locks.release(impostor));
        assertTrue(locks.inspect(conversation).isPresent());
        assertTrue(locks.renew(lease, TTL));
        assertTrue(locks.release(lease));
        assertTrue(locks.inspect(conversation).isEmpty());
        assertFalse(locks.release(lease), "a second release finds nothing to release");
    }

    @Test
    void anExpiredLeaseIsTakenByANewHolderWhomTheOldOneCannotDisturb() {
        ConversationId conversation = newConversation();
        Lease old = locks.tryAcquire(conversation, SHORT_TTL).orElseThrow();

        letTimePass(SHORT_TTL.multipliedBy(3));
        Lease fresh = locks.tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(fresh.fencingToken().isNewerThan(old.fencingToken()));
        assertFalse(locks.renew(old, TTL));
        assertFalse(locks.release(old));
        assertEquals(ReleaseOutcome.NOT_OWNER, locks.releaseIfNoPending(old));
        assertEquals(fresh.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
    }

    @Test
    void renewingKeepsTheLeasePastItsFirstTtl() {
        ConversationId conversation = newConversation();
        Lease lease = locks.tryAcquire(conversation, SHORT_TTL).orElseThrow();

        assertTrue(locks.renew(lease, TTL));
        letTimePass(SHORT_TTL.multipliedBy(3));

        assertTrue(locks.tryAcquire(conversation, TTL).isEmpty());
        assertTrue(locks.release(lease));
    }

    @Test
    void inspectShowsOwnerTokenAndRemainingTime() {
        ConversationId conversation = newConversation();
        assertTrue(locks.inspect(conversation).isEmpty());
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();

        LockInfo info = locks.inspect(conversation).orElseThrow();

        assertEquals(lease.ownerToken(), info.ownerToken());
        assertEquals(lease.fencingToken(), info.fencingToken());
        assertTrue(info.remainingTtl().compareTo(Duration.ZERO) > 0);
        assertTrue(info.remainingTtl().compareTo(TTL) <= 0);
    }

    @Test
    void forceReleaseFreesTheLockButNeverResetsTheFencingCounter() {
        ConversationId conversation = newConversation();
        Lease first = locks.tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(locks.forceRelease(conversation));
        assertFalse(locks.forceRelease(conversation));
        Lease second = locks.tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(second.fencingToken().isNewerThan(first.fencingToken()));
        assertFalse(locks.renew(first, TTL));
    }

    @Test
    void aRaisedFencingFloorLiftsEveryLaterToken_andNeverLowersTheCounter() {
        ConversationId conversation = newConversation();
        Lease first = locks.tryAcquire(conversation, TTL).orElseThrow();
        locks.release(first);
        long floor = first.fencingToken().value() + 1_000_000;

        locks.raiseFencingFloor(conversation, new chat.orchestrator.core.port.FencingToken(floor));
        Lease lifted = locks.tryAcquire(conversation, TTL).orElseThrow();
        locks.release(lifted);
        locks.raiseFencingFloor(conversation, first.fencingToken());
        Lease after = locks.tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(lifted.fencingToken().value() > floor, "tokens handed out after the floor are above it");
        assertTrue(after.fencingToken().isNewerThan(lifted.fencingToken()), "a lower floor changes nothing");
        ConversationId other = newConversation();
        locks.raiseFencingFloor(other, new chat.orchestrator.core.port.FencingToken(floor));
        assertTrue(locks.tryAcquire(other, TTL).orElseThrow().fencingToken().value() > floor,
                "a floor set before the first acquisition holds too");
    }

    @Test
    void releaseIfNoPendingKeepsTheLockWhileMessagesWait() {
        ConversationId conversation = newConversation();
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        state.accept(message(conversation, "m1", 0, "Xin chào"));

        assertEquals(ReleaseOutcome.PENDING_REMAIN, locks.releaseIfNoPending(lease));
        assertTrue(locks.inspect(conversation).isPresent());

        assertTrue(state.removePending(lease, Set.of(MessageId.of("m1"))));
        assertEquals(ReleaseOutcome.RELEASED, locks.releaseIfNoPending(lease));
        assertTrue(locks.inspect(conversation).isEmpty());
    }

    @Test
    void acceptAndTryAcquire_acceptsFirst_thenTakesAFreeLock() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

        Admission admission = locks.acceptAndTryAcquire(hello, TTL);

        assertEquals(AcceptOutcome.ACCEPTED, admission.accept());
        Lease lease = admission.lease().orElseThrow();
        assertEquals(conversation, lease.conversationId());
        assertEquals(lease.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
        assertEquals(Set.of(hello.id()), state.pendingIds(conversation));
        assertEquals(List.of(hello), state.pending(conversation, 10));
        assertEquals(1, state.conversation(conversation).orElseThrow().totalMessages(), "a summary like accept's");
        assertTrue(state.conversations(0, 1_000).conversations().stream()
                .anyMatch(c -> c.conversationId().equals(conversation)), "listed for the admin");
        assertEquals(ReleaseOutcome.PENDING_REMAIN, locks.releaseIfNoPending(lease));
    }

    @Test
    void acceptAndTryAcquire_onAHeldConversation_acceptsWithoutALease_andLeavesTheHolderAlone() {
        ConversationId conversation = newConversation();
        Lease holder = locks.tryAcquire(conversation, TTL).orElseThrow();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

        Admission admission = locks.acceptAndTryAcquire(hello, TTL);

        assertEquals(new Admission(AcceptOutcome.ACCEPTED, Optional.empty()), admission);
        assertEquals(holder.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
        assertEquals(Set.of(hello.id()), state.pendingIds(conversation));
        assertEquals(ReleaseOutcome.PENDING_REMAIN, locks.releaseIfNoPending(holder), "the holder sees it");
    }

    @Test
    void acceptAndTryAcquire_ofASeenId_addsNothing_butStillTriesTheLock() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");
        Lease first = locks.acceptAndTryAcquire(hello, TTL).lease().orElseThrow();
        assertEquals(ReleaseOutcome.RELEASED, locks.removeAndReleaseIfNoPending(first, Set.of(hello.id())));

        Admission again = locks.acceptAndTryAcquire(hello, TTL);

        assertEquals(AcceptOutcome.ALREADY_SEEN, again.accept());
        Lease second = again.lease().orElseThrow();
        assertTrue(second.fencingToken().isNewerThan(first.fencingToken()));
        assertEquals(Set.of(), state.pendingIds(conversation), "a seen id is not pending again");
        assertEquals(ReleaseOutcome.RELEASED, locks.releaseIfNoPending(second));
    }

    /**
     * The arrival race (docs/design.md, steps 3 and 8): a message admitted while its holder lets go is either seen
     * pending by the release check, or admitted after the release and so given the lock. Never neither.
     */
    @Test
    void aMessageAdmittedWhileTheHolderReleases_isSeenByTheHolderOrGetsTheLock() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                ConversationId conversation = newConversation();
                Lease holder = locks.tryAcquire(conversation, TTL).orElseThrow();
                InboundMessage late = message(conversation, "late", round, "one more thing");
                CountDownLatch start = new CountDownLatch(1);
                Future<Admission> admitted = pool.submit(() -> {
                    start.await();
                    return locks.acceptAndTryAcquire(late, TTL);
                });
                Future<ReleaseOutcome> released = pool.submit(() -> {
                    start.await();
                    return locks.releaseIfNoPending(holder);
                });
                start.countDown();
                boolean gotTheLock = admitted.get().lease().isPresent();
                ReleaseOutcome release = released.get();

                assertEquals(AcceptOutcome.ACCEPTED, admitted.get().accept());
                assertEquals(release == ReleaseOutcome.RELEASED, gotTheLock,
                        "round " + round + ": released " + release + ", admitted with the lock " + gotTheLock);
                assertEquals(Set.of(late.id()), state.pendingIds(conversation));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void renewReadingPending_renewsTheLease_andReadsEveryPendingId() {
        ConversationId conversation = newConversation();
        Lease lease = locks.tryAcquire(conversation, SHORT_TTL).orElseThrow();
        state.accept(message(conversation, "m1", 0, "hi"));
        state.accept(message(conversation, "m2", 1_000, "there"));

        LeaseCheck check = locks.renewReadingPending(lease, TTL);
        letTimePass(SHORT_TTL.multipliedBy(3));

        assertEquals(new LeaseCheck.Held(Set.of(MessageId.of("m1"), MessageId.of("m2"))), check);
        assertTrue(locks.tryAcquire(conversation, TTL).isEmpty(), "renewed past its first TTL");
        assertEquals(lease.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
    }

    @Test
    void renewReadingPending_ofALostLease_isLost_andChangesNothing() {
        ConversationId conversation = newConversation();
        Lease old = locks.tryAcquire(conversation, TTL).orElseThrow();
        locks.forceRelease(conversation);
        Lease fresh = locks.tryAcquire(conversation, SHORT_TTL).orElseThrow();
        state.accept(message(conversation, "m1", 0, "hi"));

        assertEquals(new LeaseCheck.Lost(), locks.renewReadingPending(old, TTL));
        letTimePass(SHORT_TTL.multipliedBy(3));

        assertTrue(locks.inspect(conversation).isEmpty(), "the other lease was not extended");
        assertTrue(locks.tryAcquire(conversation, TTL).isPresent());
    }

    @Test
    void removeAndReleaseIfNoPending_removesTheAnswered_andReleasesOnlyWhenNothingElseWaits() {
        ConversationId conversation = newConversation();
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        state.accept(message(conversation, "m1", 0, "hi"));
        state.accept(message(conversation, "m2", 1_000, "there"));

        assertEquals(ReleaseOutcome.PENDING_REMAIN, locks.removeAndReleaseIfNoPending(lease, Set.of(MessageId.of("m1"))));
        assertEquals(Set.of(MessageId.of("m2")), state.pendingIds(conversation));
        assertTrue(locks.inspect(conversation).isPresent(), "kept while m2 waits");

        assertEquals(ReleaseOutcome.RELEASED, locks.removeAndReleaseIfNoPending(lease, Set.of(MessageId.of("m2"))));
        assertEquals(Set.of(), state.pendingIds(conversation));
        assertTrue(locks.inspect(conversation).isEmpty());
        assertEquals(List.of(), state.pending(conversation, 10), "bodies go with the ids");
    }

    @Test
    void removeAndReleaseIfNoPending_ofALostLease_removesNothing() {
        ConversationId conversation = newConversation();
        Lease old = locks.tryAcquire(conversation, TTL).orElseThrow();
        locks.forceRelease(conversation);
        Lease fresh = locks.tryAcquire(conversation, TTL).orElseThrow();
        state.accept(message(conversation, "m1", 0, "hi"));

        assertEquals(ReleaseOutcome.NOT_OWNER, locks.removeAndReleaseIfNoPending(old, Set.of(MessageId.of("m1"))));

        assertEquals(Set.of(MessageId.of("m1")), state.pendingIds(conversation));
        assertEquals(fresh.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
    }

    @Test
    void racingAcquirersGetExactlyOneLease() throws Exception {
        ConversationId conversation = newConversation();
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Optional<Lease>>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Optional<Lease>> attempt = () -> {
                    start.await();
                    return locks.tryAcquire(conversation, TTL);
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            int granted = 0;
            for (Future<Optional<Lease>> result : results) {
                granted += result.get().isPresent() ? 1 : 0;
            }
            assertEquals(1, granted);
        } finally {
            pool.shutdownNow();
        }
    }
}
