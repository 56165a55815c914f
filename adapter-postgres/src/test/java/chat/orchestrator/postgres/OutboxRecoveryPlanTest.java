package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Query;
import org.jooq.Record1;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox recovery reads only the runs whose delivery was never recorded (ai_runs_undelivered_idx, V3) and the
 * outbox rows not delivered yet (message_actions_due_idx), however long the delivered history: 20,000 sent runs with two actions each, all delivered but 100 never recorded, made by the
 * server itself (INSERT ... SELECT over generate_series), then VACUUM ANALYZEd. The plans are printed for
 * docs/postgres.md (target/surefire-reports/*OutboxRecoveryPlanTest-output.txt).
 */
class OutboxRecoveryPlanTest {
    static final int CONVERSATION_COUNT = 1_000;
    static final int RUN_COUNT = 20_000;
    static final int UNDELIVERED_COUNT = 100;
    /** The recovery's default page (OrchestratorSettings.sweepScanLimit). */
    static final int RECOVERY_LIMIT = 1_000;
    /** Runs one every 3 minutes, over ~42 days, the newest (and undelivered ones) up to ~5 hours ago. */
    static final int SECONDS_BETWEEN_RUNS = 180;
    static final Instant NOW = BASE;
    /** What the recovery asks for: answered more than twice the lock TTL ago. */
    static final Instant ANSWERED_BEFORE = NOW.minus(Duration.ofMinutes(4));

    private static TestDatabase database;
    private static DSLContext sql;

    @BeforeAll
    static void generateRows() {
        database = TestDatabase.migrated();
        sql = database.sql();
        long start = System.nanoTime();
        QueryPlans.insertConversations(sql, CONVERSATION_COUNT, NOW, i -> DSL.inline(22L));
        insertRuns();
        insertActions();
        long generated = System.nanoTime();
        QueryPlans.vacuumAnalyze(sql, CONVERSATIONS, AI_RUNS, MESSAGE_ACTIONS);
        System.out.printf("generated %d runs (%d undelivered), %d actions in %d ms; VACUUM ANALYZE in %d ms%n",
                RUN_COUNT, UNDELIVERED_COUNT, RUN_COUNT * 2, (generated - start) / 1_000_000,
                (System.nanoTime() - generated) / 1_000_000);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void theRecoveryPageIsReadFromThePartialIndexesNeverFromTheDeliveredHistory() {
        Query query = RecoveryQueries.undeliveredQuery(sql, ANSWERED_BEFORE, NOW, RECOVERY_LIMIT);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "20,000 runs, 100 undelivered: limit 1,000", query);

        assertTrue(plan.contains("ai_runs_undelivered_idx"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        assertEquals(UNDELIVERED_COUNT - 1,
                new PostgresHistory(database.pool()).claimUndelivered(ANSWERED_BEFORE, NOW, Duration.ofMinutes(4),
                        RECOVERY_LIMIT).size(),
                "the newest, answered 3 minutes ago, is still its holder's to deliver");
    }

    /**
     * run i finished i * 3 minutes ago; runs 1 to 100 (the newest) never had their delivery recorded, run 1 too
     * recently for the recovery (its holder may still be delivering it).
     */
    private static void insertRuns() {
        Table<Record1<Integer>> series = DSL.generateSeries(1, RUN_COUNT).as("series", "i");
        Field<Integer> i = series.field("i", Integer.class);
        Field<Instant> finishedAt = QueryPlans.secondsBefore(NOW, i.times(SECONDS_BETWEEN_RUNS));
        sql.insertInto(AI_RUNS, AI_RUNS.ID, AI_RUNS.CONVERSATION_ID, AI_RUNS.MESSAGE_IDS, AI_RUNS.RESPONSE_TEXT,
                        AI_RUNS.INTENT, AI_RUNS.CONFIDENCE, AI_RUNS.ENTITIES, AI_RUNS.MODEL, AI_RUNS.PROCESSING_TIME_MS,
                        AI_RUNS.FENCING_TOKEN, AI_RUNS.OUTCOME, AI_RUNS.FINISHED_AT, AI_RUNS.DELIVERY_RECORDED_AT)
                .select(DSL.select(DSL.uuid(), QueryPlans.conversationOf(i, CONVERSATION_COUNT),
                                DSL.array(DSL.inline("msg_1")), DSL.inline("Dạ"), DSL.inline("ask"), DSL.inline(0.9),
                                DSL.inline(JSONB.valueOf("{}")), DSL.inline("test-model"), DSL.inline(42L),
                                DSL.inline(1L), DSL.inline(AiRunRows.SENT), finishedAt,
                                DSL.when(i.gt(UNDELIVERED_COUNT), finishedAt.plus(DSL.inline(1))))
                        .from(series))
                .execute();
    }

    /**
     * Two actions per run, as recordAnswer queues them: delivered and settled (next_attempt_at NULL) when the run's
     * delivery was recorded, pending and due since the run finished otherwise.
     */
    private static void insertActions() {
        Table<Record1<Integer>> series = DSL.generateSeries(0, 1).as("series", "k");
        Field<Integer> k = series.field("k", Integer.class);
        Field<Boolean> undelivered = DSL.field(AI_RUNS.DELIVERY_RECORDED_AT.isNull());
        sql.insertInto(MESSAGE_ACTIONS, MESSAGE_ACTIONS.ID, MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.CONVERSATION_ID,
                        MESSAGE_ACTIONS.ACTION_INDEX, MESSAGE_ACTIONS.ACTION_TYPE, MESSAGE_ACTIONS.PAYLOAD,
                        MESSAGE_ACTIONS.STATUS, MESSAGE_ACTIONS.ATTEMPTS, MESSAGE_ACTIONS.NEXT_ATTEMPT_AT,
                        MESSAGE_ACTIONS.IDEMPOTENCY_KEY)
                .select(DSL.select(DSL.uuid(), AI_RUNS.ID, AI_RUNS.CONVERSATION_ID, k,
                                DSL.when(k.eq(0), DSL.inline("send_message")).otherwise(DSL.inline("send_quick_replies")),
                                DSL.when(k.eq(0), DSL.inline(JSONB.valueOf("{\"message\": \"Dạ\"}")))
                                        .otherwise(DSL.inline(JSONB.valueOf(
                                                "{\"message\": \"Chọn giờ\", \"options\": [\"8:00\", \"10:00\"]}"))),
                                DSL.when(undelivered, DSL.inline(AiRunRows.PENDING)).otherwise(DSL.inline("delivered")),
                                DSL.when(undelivered, DSL.inline(0)).otherwise(DSL.inline(1)),
                                DSL.when(undelivered, AI_RUNS.FINISHED_AT),
                                AI_RUNS.ID.cast(SQLDataType.VARCHAR))
                        .from(AI_RUNS).crossJoin(series))
                .execute();
    }
}
