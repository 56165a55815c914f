package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.port.AnalyticsWindow;
import chat.orchestrator.core.port.DeliveryState;
import java.math.BigDecimal;
import java.time.Instant;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Record5;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The queries of an analytics report, each over one window and served by an index that starts with the window's
 * column (V7; docs/postgres.md shows their plans): messages by {@code created_at}, runs by {@code finished_at}, and
 * the deliveries and actions of the window's sent runs through their run id.
 */
final class AnalyticsQueries {
    private static final Field<Integer> COUNT = DSL.count();

    private AnalyticsQueries() {
    }

    /** Per UTC hour: messages recorded, and how many of them an answer consumed. messages_created_idx. */
    static ResultQuery<Record3<Instant, Integer, Integer>> messages(DSLContext sql, AnalyticsWindow window) {
        Field<Instant> hour = hour(MESSAGES.CREATED_AT);
        return sql.select(hour, COUNT, DSL.count(MESSAGES.ANSWERED_BY))
                .from(MESSAGES)
                .where(within(MESSAGES.CREATED_AT, window))
                .groupBy(hour);
    }

    /**
     * Per UTC hour and outcome (sent, discarded): runs finished. ai_runs_finished_idx. A burst handled while people
     * had the conversation is stored as a run too (outcome handed_off), with no answer and no AI call: not counted.
     */
    static ResultQuery<Record3<Instant, String, Integer>> runs(DSLContext sql, AnalyticsWindow window) {
        Field<Instant> hour = hour(AI_RUNS.FINISHED_AT);
        return sql.select(hour, AI_RUNS.OUTCOME, COUNT)
                .from(AI_RUNS)
                .where(within(AI_RUNS.FINISHED_AT, window), answeredByTheAi())
                .groupBy(hour, AI_RUNS.OUTCOME);
    }

    /** Per model: runs finished (sent and discarded) and their p50, p95, p99 processing times. ai_runs_finished_idx. */
    static ResultQuery<Record5<String, Integer, BigDecimal, BigDecimal, BigDecimal>> latency(DSLContext sql,
                                                                                        AnalyticsWindow window) {
        return sql.select(AI_RUNS.MODEL, COUNT, percentile(0.50), percentile(0.95), percentile(0.99))
                .from(AI_RUNS)
                .where(within(AI_RUNS.FINISHED_AT, window), answeredByTheAi())
                .groupBy(AI_RUNS.MODEL);
    }

    /**
     * Per delivery status: the window's sent runs, and their attempts that did not deliver (all of an answer's but
     * the one that delivered it). The runs' ids from ai_runs_finished_idx, then their rows by deliveries_pkey.
     */
    static ResultQuery<Record3<String, Integer, BigDecimal>> deliveries(DSLContext sql, AnalyticsWindow window) {
        Field<Integer> failed = DSL.when(DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.name(DeliveryState.DELIVERED))),
                DSL.greatest(DELIVERIES.ATTEMPTS.minus(DSL.inline(1)), DSL.inline(0))).otherwise(DELIVERIES.ATTEMPTS);
        return sql.select(DELIVERIES.STATUS, COUNT, DSL.sum(failed))
                .from(DELIVERIES)
                .where(DELIVERIES.RUN_ID.eq(DSL.any(sentRunIds(window))))
                .groupBy(DELIVERIES.STATUS);
    }

    /**
     * Per action type: the actions of the window's sent runs, and how many runs carried one (for transfer_to_agent,
     * the AI's hand-offs). The runs' ids from ai_runs_finished_idx, then their actions by
     * message_actions_run_index_key.
     */
    static ResultQuery<Record3<String, Integer, Integer>> actions(DSLContext sql, AnalyticsWindow window) {
        return sql.select(MESSAGE_ACTIONS.ACTION_TYPE, COUNT, DSL.countDistinct(MESSAGE_ACTIONS.RUN_ID))
                .from(MESSAGE_ACTIONS)
                .where(MESSAGE_ACTIONS.RUN_ID.eq(DSL.any(sentRunIds(window))))
                .groupBy(MESSAGE_ACTIONS.ACTION_TYPE);
    }

    /**
     * The ids of the window's sent runs as one array, computed once (an InitPlan): {@code run_id = any(array(...))}
     * is then an index scan whatever the table's size. As a join, PostgreSQL hashes the window's runs and reads the
     * whole deliveries or actions table while it is small (about 100k rows), a cost that grows with the history.
     */
    private static Field<java.util.UUID[]> sentRunIds(AnalyticsWindow window) {
        return DSL.array(DSL.select(AI_RUNS.ID).from(AI_RUNS).where(within(AI_RUNS.FINISHED_AT, window), sent()));
    }

    /** The hour an instant falls in, in UTC whatever the session's time zone. */
    private static Field<Instant> hour(Field<Instant> at) {
        return DSL.field("date_trunc('hour', {0}, 'UTC')", SQLDataType.INSTANT, at).as("hour");
    }

    private static Condition within(Field<Instant> at, AnalyticsWindow window) {
        return at.ge(window.from()).and(at.lt(window.to()));
    }

    /** Inlined, as the adapter's other status constants are (docs/postgres.md, on partial indexes). */
    private static Condition sent() {
        return AI_RUNS.OUTCOME.eq(DSL.inline(AiRunRows.SENT));
    }

    /** Sent or discarded: the runs the AI answered (inlined like {@link #sent()}). */
    private static Condition answeredByTheAi() {
        return AI_RUNS.OUTCOME.in(DSL.inline(AiRunRows.SENT), DSL.inline(AiRunRows.DISCARDED));
    }

    private static Field<BigDecimal> percentile(double fraction) {
        return DSL.percentileCont(fraction).withinGroupOrderBy(AI_RUNS.PROCESSING_TIME_MS);
    }
}
