package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.postgres.PostgresAnalytics.ActionTypeFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * At 100k conversations and 100k actions the analytics queries are answered from their indexes. Rows are made by
 * the server itself (INSERT ... SELECT over generate_series), then ANALYZEd so the planner sees real statistics.
 * The plans and timings are printed for docs/postgres.md (target/surefire-reports/*AnalyticsQueryPlanTest-output.txt).
 */
class AnalyticsQueryPlanTest {
    static final int CONVERSATION_COUNT = 100_000;
    static final int RUN_COUNT = 20_000;
    static final int ACTIONS_PER_RUN = 5;
    /** Runs are spread over 100 days, one every 432 s; conversations over ~69 days, one a minute. */
    static final int SECONDS_BETWEEN_RUNS = 432;
    static final Instant NOW = BASE;
    static final Instant ONE_DAY_AGO = NOW.minus(Duration.ofDays(1));

    private static TestDatabase database;
    private static DSLContext sql;

    @BeforeAll
    static void generateRows() {
        database = TestDatabase.migrated();
        sql = database.sql();
        long start = System.nanoTime();
        QueryPlans.insertConversations(sql, CONVERSATION_COUNT, NOW, i -> i.mod(20).plus(1).cast(SQLDataType.BIGINT));
        QueryPlans.insertSentRuns(sql, RUN_COUNT, CONVERSATION_COUNT, NOW, SECONDS_BETWEEN_RUNS);
        insertActions();
        long generated = System.nanoTime();
        QueryPlans.vacuumAnalyze(sql, CONVERSATIONS, AI_RUNS, MESSAGE_ACTIONS);
        System.out.printf("generated %d conversations, %d runs, %d actions in %d ms; VACUUM ANALYZE in %d ms%n",
                CONVERSATION_COUNT, RUN_COUNT, RUN_COUNT * ACTIONS_PER_RUN, (generated - start) / 1_000_000,
                (System.nanoTime() - generated) / 1_000_000);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void recentConversationsAreReadFromTheLastMessageIndex() {
        Query query = PostgresAnalytics.recentConversationsQuery(sql, ONE_DAY_AGO, 20);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "recent conversations (last day, limit 20)", query);

        assertTrue(plan.contains("Index Scan using conversations_last_message_idx"), plan);
        assertEquals(20, new PostgresAnalytics(database.pool()).recentConversations(ONE_DAY_AGO, 20).size());
    }

    @Test
    void actionFiguresAreComputedFromTheCreatedTypeIndexAlone() {
        Query query = PostgresAnalytics.actionFiguresQuery(sql, ONE_DAY_AGO);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "action figures (last day)", query);

        // After VACUUM this is an Index Only Scan; on pages autovacuum has not visited yet PostgreSQL may prefer a
        // Bitmap Index Scan of the same index. Either way the index answers the query, which is what matters here.
        assertTrue(plan.contains(" message_actions_created_type_idx"), plan);
        List<ActionTypeFigures> figures = new PostgresAnalytics(database.pool()).actionFigures(ONE_DAY_AGO);
        assertEquals(sql.fetchCount(MESSAGE_ACTIONS, MESSAGE_ACTIONS.CREATED_AT.ge(ONE_DAY_AGO)),
                figures.stream().mapToLong(ActionTypeFigures::actions).sum());
        assertEquals(ACTIONS_PER_RUN, figures.size());
    }

    /** Five actions per run, one of each of five types, retried 0 to 3 times. */
    private static void insertActions() {
        Table<Record1<Integer>> series = DSL.generateSeries(0, ACTIONS_PER_RUN - 1).as("series", "k");
        Field<Integer> k = series.field("k", Integer.class);
        String[] types = List.of(ActionType.values()).subList(0, ACTIONS_PER_RUN).stream()
                .map(ActionType::wireName).toArray(String[]::new);
        Field<String> type = DSL.arrayGet(DSL.val(types), k.plus(1));
        Field<Integer> retries = DSL.abs(DSL.field(DSL.function("hashtext", SQLDataType.INTEGER,
                AI_RUNS.ID.cast(SQLDataType.VARCHAR).concat(k)))).mod(4);
        sql.insertInto(MESSAGE_ACTIONS, MESSAGE_ACTIONS.ID, MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.CONVERSATION_ID,
                        MESSAGE_ACTIONS.ACTION_INDEX, MESSAGE_ACTIONS.ACTION_TYPE, MESSAGE_ACTIONS.PAYLOAD,
                        MESSAGE_ACTIONS.STATUS, MESSAGE_ACTIONS.ATTEMPTS, MESSAGE_ACTIONS.RETRY_COUNT,
                        MESSAGE_ACTIONS.IDEMPOTENCY_KEY, MESSAGE_ACTIONS.CREATED_AT)
                .select(DSL.select(DSL.uuid(), AI_RUNS.ID, AI_RUNS.CONVERSATION_ID, k, type,
                                DSL.inline(JSONB.valueOf("{\"message\": \"Dạ\"}")), DSL.inline("delivered"),
                                retries.plus(1), retries, AI_RUNS.ID.cast(SQLDataType.VARCHAR), AI_RUNS.FINISHED_AT)
                        .from(AI_RUNS).crossJoin(series))
                .execute();
    }
}
