package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim on a real PostgreSQL, beyond the contract: instances claiming together share the heads without handing
 * one out twice, a row another claimer is claiming is skipped rather than waited for, and an operator's retry is
 * serialized with the claims of its conversation (OutboxClaims explains why that is enough).
 */
class OutboxClaimsTest {
    private static final Duration CLAIM = Duration.ofMinutes(1);
    private static final Instant NOW = BASE.plus(Duration.ofHours(1));

    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool());
    private final PostgresOutbox outbox = new PostgresOutbox(database.pool());
    private int messages;

    /** The database's clock, which judges claims, reads NOW through every test. */
    @BeforeEach
    void freezeTheDatabasesClock() {
        database.clockAt(NOW);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void twoInstancesClaimingTogetherNeverGetTheSameAnswer_andTogetherGetEveryHeadAndOnlyHeads() throws Exception {
        Set<RunId> heads = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            ConversationId conversation = newConversation();
            heads.add(answer(conversation, BASE.plusSeconds(i)).id());
            answer(conversation, BASE.plusSeconds(100 + i));
        }
        // Two instances, each with its own pool, four claimers each: every claim is its own transaction.
        List<PostgresOutbox> instances = List.of(new PostgresOutbox(database.openPool()),
                new PostgresOutbox(database.openPool()));
        int claimers = 8;
        CyclicBarrier start = new CyclicBarrier(claimers);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<List<RunId>>> results = new ArrayList<>();
            for (int i = 0; i < claimers; i++) {
                PostgresOutbox instance = instances.get(i % 2);
                results.add(pool.submit(() -> {
                    start.await();
                    List<RunId> mine = new ArrayList<>();
                    // Small pages, so the claimers overlap on the same oldest heads again and again.
                    for (List<ClaimedDelivery> page = instance.claimDue(CLAIM, 3); !page.isEmpty();
                         page = instance.claimDue(CLAIM, 3)) {
                        page.forEach(claim -> mine.add(claim.runId()));
                    }
                    return mine;
                }));
            }
            List<RunId> all = new ArrayList<>();
            for (Future<List<RunId>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }

            assertEquals(heads.size(), all.size(), "no answer claimed twice");
            assertEquals(heads, new HashSet<>(all), "every head, and no answer waiting behind one");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dueAnswersComeOldestDueFirst() {
        AiRun later = answer(newConversation(), BASE.plusSeconds(30));
        AiRun first = answer(newConversation(), BASE.plusSeconds(10));
        AiRun second = answer(newConversation(), BASE.plusSeconds(20));

        assertEquals(List.of(first.id(), second.id()),
                outbox.claimDue(CLAIM, 2).stream().map(ClaimedDelivery::runId).toList());
        assertEquals(List.of(later.id()), outbox.claimDue(CLAIM, 2).stream().map(ClaimedDelivery::runId).toList());
    }

    @Test
    void anAnswerAnotherClaimerIsClaimingIsSkippedNotWaitedFor() throws Exception {
        ConversationId held = newConversation();
        AiRun heldAnswer = answer(held, BASE);
        answer(held, BASE.plusSeconds(1));
        AiRun free = answer(newConversation(), BASE.plusSeconds(2));
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            // Another instance in the middle of its claim: the oldest head's row is locked by its open transaction.
            Future<?> holding = other.submit(() -> DSL.using(database.openPool(), SQLDialect.POSTGRES)
                    .transaction(configuration -> {
                        OutboxClaims.dueHeadsQuery(configuration.dsl(), 1).fetch();
                        locked.countDown();
                        release.await();
                    }));
            locked.await();

            List<RunId> claimed = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> outbox.claimDue(CLAIM, 10).stream().map(ClaimedDelivery::runId).toList());
            assertEquals(List.of(free.id()), claimed, "the held head is left to its claimer, the one behind it waits");
            assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> outbox.claimNext(held, CLAIM))
                    .isEmpty(), "the holder does not wait either, nor pass the head");
            release.countDown();
            holding.get(5, TimeUnit.SECONDS);

            assertEquals(heldAnswer.id(), outbox.claimNext(held, CLAIM).orElseThrow().runId());
        } finally {
            release.countDown();
            other.shutdownNow();
        }
    }

    @Test
    void aRetryWaitsForAClaimInProgressOnItsConversation_andTheRetriedAnswerThenWaitsForTheOneInFlight()
            throws Exception {
        ConversationId conversation = newConversation();
        AiRun dead = answer(conversation, BASE);
        AiRun newer = answer(conversation, BASE.plusSeconds(1));
        outbox.record(outbox.claimNext(conversation, CLAIM).orElseThrow(), new DeliveryAttempt(report(
                DeliveryReport.Status.DEAD_LETTER), DeliveryState.DEAD_LETTER, NOW, NOW, true));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // A dispatcher has claimed the newer answer (the head, now that the older one is a dead letter) and has
            // not committed yet.
            Future<ClaimedDelivery> claiming = threads.submit(() -> DSL.using(database.openPool(), SQLDialect.POSTGRES)
                    .transactionResult(configuration -> {
                        var rows = OutboxClaims.claimDue(configuration.dsl(), CLAIM, 10);
                        ClaimedDelivery claim = DeliveryRows.claimed(configuration.dsl(), rows).getFirst();
                        claimed.countDown();
                        commit.await();
                        return claim;
                    }));
            claimed.await();

            Future<Boolean> retrying = threads.submit(() -> outbox.retry(dead.id(), NOW));
            assertThrows(TimeoutException.class, () -> retrying.get(500, TimeUnit.MILLISECONDS),
                    "the retry waits for the claim in progress on its conversation");
            commit.countDown();
            ClaimedDelivery inFlight = claiming.get(5, TimeUnit.SECONDS);
            assertTrue(retrying.get(5, TimeUnit.SECONDS));

            assertEquals(newer.id(), inFlight.runId());
            assertFalse(outbox.claimDue(CLAIM, 10).stream().anyMatch(c -> c.runId().equals(dead.id())),
                    "the retried answer heads its conversation again, but one answer is in flight already");
            assertTrue(outbox.claimNext(conversation, CLAIM).isEmpty());
            assertTrue(outbox.record(inFlight, new DeliveryAttempt(report(DeliveryReport.Status.DELIVERED),
                    DeliveryState.DELIVERED, NOW.plusSeconds(1), NOW.plusSeconds(1), true)));
            assertEquals(dead.id(), outbox.claimNext(conversation, CLAIM).orElseThrow().runId());
        } finally {
            commit.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aLimitBelowOneOrAClaimThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> outbox.claimDue(CLAIM, 0));
        assertThrows(IllegalArgumentException.class, () -> outbox.claimDue(Duration.ZERO, 10));
        assertThrows(IllegalArgumentException.class, () -> outbox.claimNext(newConversation(), Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> outbox.list(DeliveryState.DEAD_LETTER, 0));
    }

    /** Records a message and stores an answer to it, due for the dispatchers from {@code dispatchFrom}. */
    private AiRun answer(ConversationId conversation, Instant dispatchFrom) {
        InboundMessage ask = message(conversation, "m" + (++messages), messages, "Còn lịch sáng thứ Hai không?");
        history.record(ask);
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(ask.id()),
                reply("answer " + messages), BASE);
        history.recordAnswer(run, dispatchFrom);
        return run;
    }

    private static DeliveryReport report(DeliveryReport.Status status) {
        return new DeliveryReport(List.of(new ActionDelivery(0, ActionType.SEND_MESSAGE, status, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, status, 1, "")));
    }
}
