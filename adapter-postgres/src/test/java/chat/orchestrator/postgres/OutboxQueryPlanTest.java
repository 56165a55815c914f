package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox's reads come from its partial indexes, never from the delivered history: 120,000 deliveries rows, of
 * which 2,000 pending (two per conversation: 1,000 heads, 1,000 waiting behind them), 1,200 dead letters, 1,200
 * rejected and the rest delivered, made by the server itself (INSERT ... SELECT), then VACUUM ANALYZEd. The plans
 * are printed for docs/postgres.md (target/surefire-reports/*OutboxQueryPlanTest-output.txt).
 */
class OutboxQueryPlanTest {
    static final int CONVERSATION_COUNT = 1_000;
    static final int RUN_COUNT = 120_000;
    static final int PENDING_COUNT = 12_000;
    /** A dispatcher's page. */
    static final int CLAIM_LIMIT = 100;
    /** An operator's page. */
    static final int LIST_LIMIT = 100;
    /** Runs one a minute, over ~83 days; the newest 12,000 (the last ~8 days: a long outage) still pending. */
    static final int SECONDS_BETWEEN_RUNS = 60;
    static final Instant NOW = BASE;

    private static TestDatabase database;
    private static DSLContext sql;

    @BeforeAll
    static void generateRows() {
        database = TestDatabase.migrated();
        database.clockAt(NOW);
        sql = database.sql();
        long start = System.nanoTime();
        QueryPlans.insertConversations(sql, CONVERSATION_COUNT, NOW, i -> DSL.inline(120L));
        QueryPlans.insertSentRuns(sql, RUN_COUNT, CONVERSATION_COUNT, NOW, SECONDS_BETWEEN_RUNS);
        insertDeliveries();
        long generated = System.nanoTime();
        QueryPlans.vacuumAnalyze(sql, CONVERSATIONS, AI_RUNS, DELIVERIES);
        System.out.printf("generated %d runs and deliveries (%d pending) in %d ms; VACUUM ANALYZE in %d ms%n",
                RUN_COUNT, PENDING_COUNT, (generated - start) / 1_000_000, (System.nanoTime() - generated) / 1_000_000);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void aDispatchersClaimReadsTheDueHeadsFromThePartialIndexes() {
        Query query = OutboxClaims.dueHeadsQuery(sql, CLAIM_LIMIT);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "120,000 deliveries, 12,000 pending: claimDue's lock, limit 100", query);

        assertTrue(plan.contains("deliveries_due_idx"), plan);
        assertTrue(plan.contains("deliveries_conversation_pending_idx"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        List<ClaimedDelivery> claims = new PostgresOutbox(database.pool()).claimDue(Duration.ofSeconds(30), CLAIM_LIMIT);
        assertEquals(CLAIM_LIMIT, claims.size());
        assertEquals(CLAIM_LIMIT, new HashSet<>(claims.stream().map(c -> c.delivery().conversationId()).toList()).size(),
                "heads only: one per conversation");
    }

    /**
     * The cost the claim does pay: while every head backs off (Pancake down), the answers waiting behind them are
     * due but blocked, and the claim passes over each of them (one probe of the per-conversation index apiece)
     * before it finds nothing. Bounded by the pending answers, never by the delivered history.
     */
    @Test
    void whileEveryHeadBacksOffTheClaimPassesOverTheAnswersWaitingBehindThemAndNothingElse() {
        // In a transaction rolled back at the end, so the other tests see the rows as generated.
        assertThrows(RolledBack.class, () -> sql.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            tx.execute("""
                    update deliveries d set next_attempt_at = {0}, attempts = 3
                     where status = 'pending' and not exists (select 1 from deliveries o
                            where o.conversation_id = d.conversation_id and o.status = 'pending'
                              and o.commit_seq < d.commit_seq)
                    """, DSL.inline(NOW.plus(Duration.ofMinutes(10))));
            Query query = OutboxClaims.dueHeadsQuery(tx, CLAIM_LIMIT);

            String plan = tx.explain(query).plan();
            QueryPlans.printAnalyzed(tx, "120,000 deliveries, 12,000 pending, every head backing off: claimDue's lock",
                    query);

            assertTrue(plan.contains("deliveries_due_idx"), plan);
            assertFalse(plan.contains("Seq Scan"), plan);
            assertTrue(OutboxClaims.claimDue(tx, Duration.ofSeconds(30), CLAIM_LIMIT).isEmpty());
            throw new RolledBack();
        }));
    }

    private static final class RolledBack extends RuntimeException {
    }

    @Test
    void aHoldersClaimReadsItsConversationsHeadFromThePartialIndex() {
        Query query = OutboxClaims.headQuery(sql, "conv_7");

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "120,000 deliveries, 12,000 pending: claimNext's head", query);

        assertTrue(plan.contains("deliveries_conversation_pending_idx"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        assertTrue(new PostgresOutbox(database.pool()).claimNext(ConversationId.of("conv_7"), Duration.ofSeconds(30)).isPresent());
    }

    @Test
    void theOperatorsListingAndCountsReadOnlyTheDeadLettersAndRejections() {
        Query list = PostgresOutbox.listQuery(sql, DeliveryState.DEAD_LETTER, LIST_LIMIT);
        Query count = PostgresOutbox.countQuery(sql, DeliveryState.REJECTED);

        String listPlan = sql.explain(list).plan();
        String countPlan = sql.explain(count).plan();
        QueryPlans.printAnalyzed(sql, "120,000 deliveries, 1,080 dead letters: list, limit 100", list);
        QueryPlans.printAnalyzed(sql, "120,000 deliveries, 1,080 rejected: count", count);

        assertTrue(listPlan.contains("Index Scan using deliveries_undeliverable_idx"), listPlan);
        assertTrue(countPlan.contains("deliveries_undeliverable_idx"), countPlan);
        assertFalse(listPlan.contains("Seq Scan") || countPlan.contains("Seq Scan"), listPlan + countPlan);
        PostgresOutbox outbox = new PostgresOutbox(database.pool());
        assertEquals(LIST_LIMIT, outbox.list(DeliveryState.DEAD_LETTER, LIST_LIMIT).size());
        assertEquals((RUN_COUNT - PENDING_COUNT) / 100, outbox.count(DeliveryState.REJECTED));
    }

    /**
     * One row per run, commit_seq in finished_at order. Run i (the i-th newest) is pending when i <= 2,000 (due
     * since it finished), a dead letter when i % 100 = 7, rejected when i % 100 = 13, delivered otherwise.
     */
    private static void insertDeliveries() {
        sql.execute("""
                insert into deliveries (run_id, conversation_id, commit_seq, status, attempts, last_error,
                                        next_attempt_at, queued_at, updated_at, settled_at)
                select id, conversation_id, {0} - i + 1, state, case when state = 'pending' then 0 else 1 end,
                       case when state in ('dead_letter', 'rejected') then 'HTTP 503' else '' end,
                       finished_at, finished_at, finished_at + interval '30 seconds',
                       case when state = 'pending' then null else finished_at + interval '30 seconds' end
                  from (select id, conversation_id, finished_at, i,
                               case when i <= {1} then 'pending'
                                    when i % 100 = 7 then 'dead_letter'
                                    when i % 100 = 13 then 'rejected'
                                    else 'delivered' end as state
                          from (select r.*, row_number() over (order by finished_at desc) as i from ai_runs r) n) s
                """, DSL.inline(RUN_COUNT), DSL.inline(PENDING_COUNT));
    }
}
