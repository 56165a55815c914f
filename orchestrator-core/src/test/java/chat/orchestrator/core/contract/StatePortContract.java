package chat.orchestrator.core.contract;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.ReleaseOutcome;
import chat.orchestrator.core.port.StatePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link StatePort} must guarantee. Adapters extend this with a fresh store per test. */
public abstract class StatePortContract {
    private static final Duration TTL = Duration.ofSeconds(10);

    private LockPort locks;
    private StatePort state;

    /** Lock and state ports over one store, emptied for this test. */
    protected abstract StorePorts freshStore();

    /**
     * Loses the body of a pending message in the store of the last {@link #freshStore()}, its id staying pending, as
     * Redis can (eviction of a key with a TTL, a failover that drops the last writes).
     */
    protected abstract void loseBody(ConversationId conversationId, MessageId messageId);

    @BeforeEach
    void openStore() {
        StorePorts ports = freshStore();
        locks = ports.locks();
        state = ports.state();
    }

    @Test
    void aMessageIsAcceptedOnceAndPendingOnce() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

        assertEquals(AcceptOutcome.ACCEPTED, state.accept(hello));
        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(hello));

        assertEquals(List.of(hello), state.pending(conversation, 10));
    }

    @Test
    void aSeenIdStaysSeenAfterItLeavesThePendingSet() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");
        state.accept(hello);
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        assertTrue(state.removePending(lease, Set.of(hello.id())));

        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(hello));
        assertTrue(state.pending(conversation, 10).isEmpty());
    }

    @Test
    void theSameIdInAnotherConversationIsAnotherMessage() {
        assertEquals(AcceptOutcome.ACCEPTED, state.accept(message(newConversation(), "m1", 0, "a")));
        assertEquals(AcceptOutcome.ACCEPTED, state.accept(message(newConversation(), "m1", 0, "b")));
    }

    @Test
    void pendingMessagesComeInTimestampOrderWhateverTheArrivalOrder() {
        ConversationId conversation = newConversation();
        InboundMessage third = message(conversation, "c", 3_000, "to book a check-up");
        InboundMessage first = message(conversation, "a", 1_000, "hi");
        InboundMessage second = message(conversation, "b", 2_000, "I want");
        state.accept(third);
        state.accept(first);
        state.accept(second);

        assertEquals(List.of(first, second, third), state.pending(conversation, 10));
        assertEquals(List.of(first, second), state.pending(conversation, 2));
        assertEquals(Set.of(first.id(), second.id(), third.id()), state.pendingIds(conversation));
    }

    @Test
    void equalTimestampsAreOrderedByMessageId() {
        ConversationId conversation = newConversation();
        InboundMessage b = message(conversation, "b", 1_000, "second");
        InboundMessage a = message(conversation, "a", 1_000, "first");
        state.accept(b);
        state.accept(a);

        assertEquals(List.of(a, b), state.pending(conversation, 10));
    }

    @Test
    void contentAndMetadataSurviveByteExact() {
        ConversationId conversation = newConversation();
        InboundMessage tricky = message(conversation, "m1", 0,
                "Cho mình hỏi phòng khám còn lịch sáng thứ Hai không ạ? 🙏 \"quoted\" '; DROP TABLE messages; --\n\\n");
        state.accept(tricky);

        InboundMessage back = state.pending(conversation, 1).getFirst();
        assertEquals(tricky, back);
        assertEquals(tricky.metadata(), back.metadata());
    }

    @Test
    void removePendingNeedsTheLockAndRemovesExactlyTheGivenIds() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 1, "a");
        InboundMessage b = message(conversation, "b", 2, "b");
        state.accept(a);
        state.accept(b);
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        Lease stranger = new Lease(conversation, "not-the-owner", lease.fencingToken());

        assertFalse(state.removePending(stranger, Set.of(a.id())));
        assertEquals(2, state.pending(conversation, 10).size());

        assertTrue(state.removePending(lease, Set.of(a.id(), MessageId.of("never-seen"))));
        assertEquals(List.of(b), state.pending(conversation, 10));
    }

    @Test
    void aSnapshotHoldsTheOldestBatchAndEveryPendingId() {
        ConversationId conversation = newConversation();
        InboundMessage late = message(conversation, "c", 3_000, "c");
        InboundMessage first = message(conversation, "a", 1_000, "a");
        InboundMessage second = message(conversation, "b", 2_000, "b");
        state.accept(late);
        state.accept(first);
        state.accept(second);

        PendingSnapshot snapshot = state.snapshot(conversation, 2);

        assertEquals(List.of(first, second), snapshot.batch());
        assertEquals(Set.of(first.id(), second.id(), late.id()), snapshot.ids());
        assertEquals(Set.of(), snapshot.bodiless());
        assertTrue(state.snapshot(newConversation(), 5).batch().isEmpty());
        assertTrue(state.snapshot(newConversation(), 5).ids().isEmpty());
    }

    @Test
    void theConversationSummaryFollowsTheLatestMessage() {
        ConversationId conversation = newConversation();
        assertTrue(state.conversation(conversation).isEmpty());
        state.accept(message(conversation, "late", 5_000, "newest"));
        state.accept(message(conversation, "early", 1_000, "older, arrived last"));

        ConversationState summary = state.conversation(conversation).orElseThrow();

        assertEquals(MessageId.of("late"), summary.lastMessageId());
        assertEquals(TestMessages.BASE.plusMillis(5_000), summary.lastMessageTimestamp());
        assertEquals(2, summary.totalMessages());
        assertEquals(2, summary.pendingMessages());
    }

    @Test
    void conversationsArePagedMostRecentFirst() {
        List<ConversationId> conversations = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ConversationId conversation = newConversation();
            conversations.add(conversation);
            state.accept(message(conversation, "m", i * 1_000L, "hello " + i));
        }

        ConversationPage first = state.conversations(0, 2);
        ConversationPage last = state.conversations(4, 2);

        assertEquals(5, first.total());
        assertEquals(List.of(conversations.get(4), conversations.get(3)),
                first.conversations().stream().map(ConversationState::conversationId).toList());
        assertEquals(List.of(conversations.get(0)),
                last.conversations().stream().map(ConversationState::conversationId).toList());
        assertTrue(state.conversations(10, 2).conversations().isEmpty());
    }

    @Test
    void cleanupForgetsIdleConversationsButKeepsThoseWithPendingMessagesOrALock() {
        ConversationId idle = newConversation();
        ConversationId waiting = newConversation();
        ConversationId held = newConversation();
        InboundMessage answered = message(idle, "m1", 0, "Xin chào");
        state.accept(answered);
        Lease lease = locks.tryAcquire(idle, TTL).orElseThrow();
        state.removePending(lease, Set.of(answered.id()));
        locks.release(lease);
        state.accept(message(waiting, "m1", 0, "still waiting"));
        state.accept(message(held, "m1", 0, "being answered"));
        Lease holder = locks.tryAcquire(held, TTL).orElseThrow();
        state.removePending(holder, Set.of(MessageId.of("m1")));

        // The store's clock is its own (a test clock, or the server's): cutoffs far from any "now" keep this exact.
        assertEquals(0, state.removeIdleConversations(java.time.Instant.EPOCH), "nothing was idle in 1970");
        long removed = state.removeIdleConversations(java.time.Instant.parse("2100-01-01T00:00:00Z"));

        assertEquals(1, removed);
        assertTrue(state.conversation(idle).isEmpty());
        assertTrue(state.conversation(waiting).isPresent());
        assertTrue(state.conversation(held).isPresent());
        assertEquals(2, state.conversations(0, 10).total());
    }

    @Test
    void aPendingIdWhoseBodyIsLostIsReportedBodilessByTheSnapshotAndNoLongerPending() {
        ConversationId conversation = newConversation();
        InboundMessage first = message(conversation, "a", 1_000, "hi");
        InboundMessage second = message(conversation, "b", 2_000, "I want");
        InboundMessage third = message(conversation, "c", 3_000, "to book a check-up");
        state.accept(first);
        state.accept(second);
        state.accept(third);
        loseBody(conversation, first.id());

        assertEquals(List.of(second, third), state.pending(conversation, 10), "never handed out without its body");
        assertEquals(Set.of(first.id(), second.id(), third.id()), state.pendingIds(conversation),
                "still pending until a snapshot drops it");
        PendingSnapshot snapshot = state.snapshot(conversation, 1);

        assertEquals(List.of(second), snapshot.batch(), "the batch is cut from the messages that have a body");
        assertEquals(Set.of(second.id(), third.id()), snapshot.ids());
        assertEquals(Set.of(first.id()), snapshot.bodiless());
        assertEquals(Set.of(second.id(), third.id()), state.pendingIds(conversation));
        assertEquals(Set.of(), state.snapshot(conversation, 1).bodiless(), "reported once");
        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(first), "still seen: only history can put it back");
    }

    @Test
    void aBodyLostBeyondTheBatchIsReportedToo() {
        ConversationId conversation = newConversation();
        InboundMessage first = message(conversation, "a", 1_000, "hi");
        InboundMessage late = message(conversation, "z", 9_000, "still there?");
        state.accept(first);
        state.accept(late);
        loseBody(conversation, late.id());

        PendingSnapshot snapshot = state.snapshot(conversation, 1);

        assertEquals(List.of(first), snapshot.batch());
        assertEquals(Set.of(first.id()), snapshot.ids());
        assertEquals(Set.of(late.id()), snapshot.bodiless());
    }

    @Test
    void aBodilessIdCountsForTheCombinedLockSteps_asForThePlainOnes() {
        ConversationId conversation = newConversation();
        InboundMessage answered = message(conversation, "a", 1_000, "hi");
        InboundMessage lost = message(conversation, "z", 9_000, "still there?");
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        state.accept(answered);
        state.accept(lost);
        loseBody(conversation, lost.id());

        assertEquals(new LeaseCheck.Held(Set.of(answered.id(), lost.id())), locks.renewReadingPending(lease, TTL));
        assertEquals(ReleaseOutcome.PENDING_REMAIN, locks.removeAndReleaseIfNoPending(lease, Set.of(answered.id())));
        assertTrue(locks.inspect(conversation).isPresent(), "kept for the next snapshot to report it");
    }

    @Test
    void aBodilessIdKeepsTheLockUntilASnapshotReportsItThenNoLonger() {
        ConversationId conversation = newConversation();
        InboundMessage lost = message(conversation, "m1", 0, "Xin chào");
        state.accept(lost);
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        loseBody(conversation, lost.id());

        // Accepted after this holder's last snapshot, for all the holder knows: it must go round once more.
        assertEquals(ReleaseOutcome.PENDING_REMAIN, locks.releaseIfNoPending(lease));
        assertEquals(Set.of(lost.id()), state.snapshot(conversation, 10).bodiless());
        assertEquals(ReleaseOutcome.RELEASED, locks.releaseIfNoPending(lease));
    }

    @Test
    void requeueGivesABodilessIdItsBodyBack() {
        ConversationId conversation = newConversation();
        InboundMessage lost = message(conversation, "m1", 0, "Xin chào");
        InboundMessage other = message(conversation, "m2", 1_000, "còn lịch không?");
        state.accept(lost);
        state.accept(other);
        loseBody(conversation, lost.id());

        assertTrue(state.requeue(lost), "pending without a body is missing");

        PendingSnapshot snapshot = state.snapshot(conversation, 10);
        assertEquals(List.of(lost, other), snapshot.batch());
        assertEquals(Set.of(), snapshot.bodiless());
        assertFalse(state.requeue(lost), "pending with its body now");
    }

    @Test
    void aBodilessIdReportedAndRequeuedFromHistoryIsInTheNextBatch() {
        ConversationId conversation = newConversation();
        InboundMessage lost = message(conversation, "m1", 0, "Xin chào");
        InboundMessage other = message(conversation, "m2", 1_000, "còn lịch không?");
        state.accept(lost);
        state.accept(other);
        loseBody(conversation, lost.id());
        assertEquals(Set.of(lost.id()), state.snapshot(conversation, 10).bodiless());

        assertTrue(state.requeue(lost));

        assertEquals(List.of(lost, other), state.snapshot(conversation, 10).batch());
    }

    @Test
    void requeuePutsBackAMessageThePendingSetLost_evenThoughItsIdWasSeen() {
        ConversationId conversation = newConversation();
        InboundMessage lost = message(conversation, "m1", 0, "Xin chào");
        state.accept(lost);
        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();
        state.removePending(lease, Set.of(lost.id()));
        locks.release(lease);

        assertTrue(state.requeue(lost));
        assertFalse(state.requeue(lost), "already pending");

        assertEquals(List.of(lost), state.pending(conversation, 10));
        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(lost), "still seen: a redelivery is a duplicate");
    }

    @Test
    void requeueOfAMessageTheStoreNeverSaw_makesItPendingAndSummarised() {
        ConversationId conversation = newConversation();
        InboundMessage forgotten = message(conversation, "m1", 0, "Xin chào");

        assertTrue(state.requeue(forgotten));

        assertEquals(List.of(forgotten), state.pending(conversation, 10));
        assertEquals(1, state.conversation(conversation).orElseThrow().pendingMessages());
        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(forgotten));
    }

    @Test
    void racingDeliveriesOfOneMessageAreAcceptedExactlyOnce() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<AcceptOutcome>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<AcceptOutcome> attempt = () -> {
                    start.await();
                    return state.accept(hello);
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            int accepted = 0;
            for (Future<AcceptOutcome> result : results) {
                accepted += result.get() == AcceptOutcome.ACCEPTED ? 1 : 0;
            }
            assertEquals(1, accepted);
            assertEquals(1, state.pending(conversation, 10).size());
        } finally {
            pool.shutdownNow();
        }
    }
}
