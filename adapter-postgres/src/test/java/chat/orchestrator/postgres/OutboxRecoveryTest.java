package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
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
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox's recovery on a real PostgreSQL: instances claiming together share the undelivered answers without
 * handing one out twice, a run another claimer holds is skipped rather than waited for, and only sent answers whose
 * delivery was never recorded come back, oldest first.
 */
class OutboxRecoveryTest {
    private static final Instant LATER = Instant.parse("2100-01-01T00:00:00Z");
    private static final Duration CLAIM = Duration.ofMinutes(1);

    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool());

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void twoInstancesClaimingConcurrentlyNeverGetTheSameRunAndTogetherGetThemAll() throws Exception {
        Set<RunId> stored = storeUndeliveredAnswers(50);
        // Two instances, each with its own pool, four claimers each: every claim is its own transaction.
        List<PostgresHistory> instances = List.of(new PostgresHistory(database.openPool()),
                new PostgresHistory(database.openPool()));
        int claimers = 8;
        CyclicBarrier start = new CyclicBarrier(claimers);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        List<Future<List<RunId>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < claimers; i++) {
                PostgresHistory instance = instances.get(i % 2);
                results.add(pool.submit(() -> {
                    start.await();
                    List<RunId> mine = new ArrayList<>();
                    // Small pages, so the claimers overlap on the same oldest runs again and again.
                    for (List<Delivery> page = instance.claimUndelivered(LATER, LATER, CLAIM, 3); !page.isEmpty();
                         page = instance.claimUndelivered(LATER, LATER, CLAIM, 3)) {
                        page.forEach(delivery -> mine.add(delivery.runId()));
                    }
                    return mine;
                }));
            }
            List<RunId> all = new ArrayList<>();
            for (Future<List<RunId>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }

            assertEquals(stored.size(), all.size(), "no run handed out twice");
            assertEquals(stored, new HashSet<>(all), "every undelivered run handed out");
            assertTrue(history.claimUndelivered(LATER, LATER, CLAIM, 100).isEmpty(), "all claimed until the claim ends");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRunAnotherClaimerIsHoldingIsSkippedNotWaitedFor() throws Exception {
        storeUndeliveredAnswers(3);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            // Another instance in the middle of its claim: the oldest run's row is locked by its open transaction.
            Future<RunId> holding = other.submit(() -> DSL.using(database.openPool(), SQLDialect.POSTGRES)
                    .transactionResult(configuration -> {
                        RunId oldest = new RunId(RecoveryQueries.undeliveredQuery(configuration.dsl(), LATER, LATER, 1)
                                .fetchSingle().getId());
                        held.countDown();
                        release.await();
                        return oldest;
                    }));
            held.await();

            List<Delivery> claimed = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> history.claimUndelivered(LATER, LATER, CLAIM, 10));
            release.countDown();

            assertEquals(2, claimed.size());
            assertTrue(claimed.stream().noneMatch(delivery -> {
                try {
                    return delivery.runId().equals(holding.get());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }), "the held run is left to its claimer");
        } finally {
            release.countDown();
            other.shutdownNow();
        }
    }

    @Test
    void theOldestAnswersComeFirstAndOnlySentAnswersWithNoRecordedDelivery() {
        ConversationId conversation = newConversation();
        InboundMessage first = message(conversation, "first", 0, "một");
        InboundMessage second = message(conversation, "second", 1, "hai");
        InboundMessage third = message(conversation, "third", 2, "ba");
        InboundMessage failed = message(conversation, "failed", 3, "bốn");
        InboundMessage stale = message(conversation, "stale", 4, "năm");
        List.of(first, second, third, failed, stale).forEach(history::record);
        AiRun newest = answer(conversation, third, BASE.plusSeconds(300));
        AiRun oldest = answer(conversation, first, BASE.plusSeconds(100));
        AiRun middle = answer(conversation, second, BASE.plusSeconds(200));
        AiRun failedOnce = answer(conversation, failed, BASE.plusSeconds(50));
        AiRun discarded = answer(conversation, stale, BASE.plusSeconds(10));
        List.of(newest, oldest, middle, failedOnce).forEach(history::recordAnswer);
        history.recordDiscarded(discarded);
        // A recorded failure belongs to the dispatcher's retries, not to the recovery of lost deliveries.
        history.recordDelivery(conversation, failedOnce.id(), new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.FAILED, 1, "HTTP 503"),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.FAILED, 1, "HTTP 503"))));

        List<Delivery> page = history.claimUndelivered(LATER, LATER, CLAIM, 2);

        assertEquals(List.of(oldest.id(), middle.id()), page.stream().map(Delivery::runId).toList());
        assertEquals(new Delivery(conversation, oldest.id(), new FencingToken(4), oldest.reply(), oldest.finishedAt()),
                page.getFirst());
        assertEquals(List.of(newest.id()),
                history.claimUndelivered(LATER, LATER, CLAIM, 10).stream().map(Delivery::runId).toList());
    }

    @Test
    void aClaimMakesTheRunsOutboxRowsDueWhenItEnds() {
        Set<RunId> stored = storeUndeliveredAnswers(1);

        history.claimUndelivered(LATER, LATER, CLAIM, 1);

        List<Instant> due = database.sql().select(MESSAGE_ACTIONS.NEXT_ATTEMPT_AT).from(MESSAGE_ACTIONS)
                .where(MESSAGE_ACTIONS.RUN_ID.eq(stored.iterator().next().value()))
                .fetch(MESSAGE_ACTIONS.NEXT_ATTEMPT_AT);
        assertEquals(List.of(LATER.plus(CLAIM), LATER.plus(CLAIM)), due);
    }

    @Test
    void aLimitBelowOneOrAClaimThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> history.claimUndelivered(LATER, LATER, CLAIM, 0));
        assertThrows(IllegalArgumentException.class,
                () -> history.claimUndelivered(LATER, LATER, Duration.ZERO, 10));
    }

    /** One answered message per conversation, each answer stored and never delivered. */
    private Set<RunId> storeUndeliveredAnswers(int count) {
        Set<RunId> runs = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ConversationId conversation = newConversation();
            InboundMessage ask = message(conversation, "ask", 0, "Còn lịch sáng thứ Hai không?");
            history.record(ask);
            AiRun run = answer(conversation, ask, BASE.plusSeconds(60 + i));
            history.recordAnswer(run);
            runs.add(run.id());
        }
        return runs;
    }

    private static AiRun answer(ConversationId conversation, InboundMessage ask, Instant finishedAt) {
        return new AiRun(RunId.random(), conversation, new FencingToken(4), List.of(ask.id()),
                reply("answer to " + ask.id()), finishedAt);
    }
}
