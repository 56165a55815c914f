package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.AnalyticsWindow;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * At 120k messages and runs, 108k deliveries and 113k actions over 100 days, each query of an owner's last-24-hours
 * report reads its window from an index, never a whole table. Rows are made by the server itself, then VACUUM
 * ANALYZEd; the plans and timings are printed for docs/postgres.md
 * (target/surefire-reports/*AnalyticsReportPlanTest-output.txt).
 */
class AnalyticsReportPlanTest {
    static final int CONVERSATION_COUNT = 10_000;
    static final int RUN_COUNT = 120_000;
    /** One run every 72 s over 100 days: 1,200 a day. */
    static final int SECONDS_BETWEEN_RUNS = 72;
    static final AnalyticsWindow LAST_DAY = AnalyticsWindow.lastHours(BASE, 24);

    private static TestDatabase database;
    private static DSLContext sql;

    @BeforeAll
    static void generateRows() {
        database = TestDatabase.migrated();
        sql = database.sql();
        long start = System.nanoTime();
        QueryPlans.insertConversations(sql, CONVERSATION_COUNT, BASE,
                i -> i.mod(20).plus(1).cast(SQLDataType.BIGINT));
        // Run i finished i * 72 s before BASE; one in ten went stale; three models with their own latencies.
        sql.execute("""
                insert into ai_runs (id, conversation_id, message_ids, response_text, intent, confidence, entities,
                                     model, processing_time_ms, fencing_token, outcome, finished_at)
                select gen_random_uuid(), 'conv_' || (i % {0} + 1), array['msg_' || i], 'Dạ', 'ask', 0.9, '{}'::jsonb,
                       (array['gpt-a', 'gpt-b', 'local-llama'])[1 + i % 3], 200 + (i * 7919) % 4000, 1,
                       case when i % 10 = 0 then 'discarded' else 'sent' end,
                       to_timestamp({1} - i * {2})
                  from generate_series(1, {3}) i""", DSL.inline(CONVERSATION_COUNT), DSL.inline(BASE.getEpochSecond()),
                DSL.inline(SECONDS_BETWEEN_RUNS), DSL.inline(RUN_COUNT));
        // One message per run, recorded two seconds before it finished, answered by it when it was sent.
        sql.execute("""
                insert into messages (id, conversation_id, message_id, content, sender_id, sender_type, sent_at,
                                      metadata, answered_by, created_at)
                select gen_random_uuid(), conversation_id, 'msg_' || id, 'Còn lịch sáng thứ Hai không?',
                       'user_1', 'user', finished_at - interval '2 seconds', '{}'::jsonb,
                       case when outcome = 'sent' then id end, finished_at - interval '2 seconds'
                  from ai_runs""");
        // A send_message per sent run, and a transfer_to_agent in one in twenty.
        sql.execute("""
                insert into message_actions (id, run_id, conversation_id, action_index, action_type, payload, status,
                                             attempts, idempotency_key, created_at, updated_at)
                select gen_random_uuid(), r.id, r.conversation_id, k,
                       (array['send_message', 'transfer_to_agent'])[k + 1], '{"message": "Dạ"}'::jsonb, 'delivered', 1, r.id::text, r.finished_at, r.finished_at
                  from ai_runs r cross join generate_series(0, 1) k
                 where r.outcome = 'sent' and (k = 0 or abs(hashtext(r.id::text || 't')) % 20 = 0)""");
        // Most delivered at the first attempt; some after retries; a few refused or dead.
        sql.execute("""
                insert into deliveries (run_id, conversation_id, commit_seq, status, attempts, next_attempt_at,
                                        queued_at, updated_at)
                select id, conversation_id, nextval('deliveries_commit_seq'),
                       (array['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered',
                              'pending', 'rejected', 'dead_letter'])[1 + abs(hashtext(id::text || 'd')) % 10],
                       1 + abs(hashtext(id::text || 'a')) % 3, finished_at, finished_at, finished_at
                  from ai_runs where outcome = 'sent'""");
        long generated = System.nanoTime();
        QueryPlans.vacuumAnalyze(sql, CONVERSATIONS, AI_RUNS, MESSAGES, MESSAGE_ACTIONS, DELIVERIES);
        System.out.printf("generated %d runs, %d messages, %d actions, %d deliveries in %d ms;"
                        + " VACUUM ANALYZE in %d ms%n", sql.fetchCount(AI_RUNS), sql.fetchCount(MESSAGES),
                sql.fetchCount(MESSAGE_ACTIONS), sql.fetchCount(DELIVERIES), (generated - start) / 1_000_000,
                (System.nanoTime() - generated) / 1_000_000);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    /** One query of the report, and the index it must read the big table through. */
    record ReportQuery(String title, BiFunction<DSLContext, AnalyticsWindow, Query> query, String index) {
        @Override
        public String toString() {
            return title;
        }
    }

    static Stream<ReportQuery> queries() {
        return Stream.of(
                new ReportQuery("messages per hour", AnalyticsQueries::messages, "messages_created_idx"),
                new ReportQuery("runs per hour and outcome", AnalyticsQueries::runs, "ai_runs_finished_idx"),
                new ReportQuery("latency per model", AnalyticsQueries::latency, "ai_runs_finished_idx"),
                new ReportQuery("deliveries of the sent runs", AnalyticsQueries::deliveries, "deliveries_pkey"),
                new ReportQuery("actions of the sent runs", AnalyticsQueries::actions,
                        "message_actions_run_index_key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void eachQueryReadsTheLastDayFromItsIndexes(ReportQuery reportQuery) {
        Query last24Hours = reportQuery.query().apply(sql, LAST_DAY);

        String plan = sql.explain(last24Hours).plan();
        QueryPlans.printAnalyzed(sql, reportQuery.title() + " (last 24 hours)", last24Hours);

        assertTrue(plan.contains(" " + reportQuery.index()), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
    }

    @Test
    void theReportOfTheLastDay_addsUpToTheRowsOfItsWindow() {
        long start = System.nanoTime();
        AnalyticsReport report = new PostgresAnalytics(database.pool()).report(LAST_DAY);
        System.out.printf("report of the last 24 hours in %d ms%n", (System.nanoTime() - start) / 1_000_000);

        long runs = sql.fetchCount(AI_RUNS, AI_RUNS.FINISHED_AT.ge(LAST_DAY.from()),
                AI_RUNS.FINISHED_AT.lt(LAST_DAY.to()));
        assertEquals(sql.fetchCount(MESSAGES, MESSAGES.CREATED_AT.ge(LAST_DAY.from()),
                MESSAGES.CREATED_AT.lt(LAST_DAY.to())), report.messagesReceived());
        assertEquals(runs, report.answersSent() + report.staleAnswersDiscarded());
        assertEquals(runs, report.aiLatency().stream().mapToLong(latency -> latency.calls()).sum());
        assertEquals(report.answersSent(), report.actions().get(ActionType.SEND_MESSAGE));
        assertEquals(report.actions().get(ActionType.TRANSFER_TO_AGENT), report.handoffs().byAi());
        assertEquals(report.answersSent(), report.outcomes().answersDelivered() + report.outcomes().answersDelivering()
                + report.deliveryFailures().rejected() + report.deliveryFailures().deadLetters());
        assertEquals(3, report.aiLatency().size());
    }
}
