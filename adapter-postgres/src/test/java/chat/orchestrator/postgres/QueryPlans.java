package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;

import java.time.Instant;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Query;
import org.jooq.Record1;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * What the query-plan tests share: rows made by the server itself (INSERT ... SELECT over generate_series, so 100k
 * rows take seconds), statistics refreshed, and plans printed for docs/postgres.md.
 */
final class QueryPlans {
    private QueryPlans() {
    }

    /** conv_1 .. conv_{count}, conv_i's last message i minutes before {@code now}. */
    static void insertConversations(DSLContext sql, int count, Instant now,
                                    Function<Field<Integer>, Field<Long>> totalMessages) {
        Table<Record1<Integer>> series = DSL.generateSeries(1, count).as("series", "i");
        Field<Integer> i = series.field("i", Integer.class);
        sql.insertInto(CONVERSATIONS, CONVERSATIONS.ID, CONVERSATIONS.LAST_MESSAGE_ID,
                        CONVERSATIONS.LAST_MESSAGE_TIMESTAMP, CONVERSATIONS.TOTAL_MESSAGES)
                .select(DSL.select(DSL.inline("conv_").concat(i), DSL.inline("msg_").concat(i),
                                secondsBefore(now, i.times(60)), totalMessages.apply(i))
                        .from(series))
                .execute();
    }

    /** {@code count} sent runs spread over the conversations, run i finished i * secondsApart before {@code now}. */
    static void insertSentRuns(DSLContext sql, int count, int conversations, Instant now, int secondsApart) {
        Table<Record1<Integer>> series = DSL.generateSeries(1, count).as("series", "i");
        Field<Integer> i = series.field("i", Integer.class);
        sql.insertInto(AI_RUNS, AI_RUNS.ID, AI_RUNS.CONVERSATION_ID, AI_RUNS.MESSAGE_IDS, AI_RUNS.RESPONSE_TEXT,
                        AI_RUNS.INTENT, AI_RUNS.CONFIDENCE, AI_RUNS.ENTITIES, AI_RUNS.MODEL, AI_RUNS.PROCESSING_TIME_MS,
                        AI_RUNS.FENCING_TOKEN, AI_RUNS.OUTCOME, AI_RUNS.FINISHED_AT)
                .select(DSL.select(DSL.uuid(), conversationOf(i, conversations), DSL.array(DSL.inline("msg_1")),
                                DSL.inline("Dạ"), DSL.inline("ask"), DSL.inline(0.9), DSL.inline(JSONB.valueOf("{}")),
                                DSL.inline("test-model"), DSL.inline(42L), DSL.inline(1L), DSL.inline(AiRunRows.SENT),
                                secondsBefore(now, i.times(secondsApart)))
                        .from(series))
                .execute();
    }

    /** conv_1 .. conv_{conversations}, round robin over {@code i}. */
    static Field<String> conversationOf(Field<Integer> i, int conversations) {
        return DSL.inline("conv_").concat(i.mod(conversations).plus(1));
    }

    static Field<Instant> secondsBefore(Instant now, Field<Integer> seconds) {
        return DSL.function("to_timestamp", SQLDataType.INSTANT, DSL.inline(now.getEpochSecond()).minus(seconds));
    }

    /** Fresh statistics (and a visibility map, for index-only scans) before any plan is asked for. */
    static void vacuumAnalyze(DSLContext sql, Table<?>... tables) {
        for (Table<?> table : tables) {
            sql.execute("VACUUM ANALYZE {0}", table);
        }
    }

    /** Prints the query and its analysed plan. ANALYZE runs it: row locks last only as long as this statement. */
    static void printAnalyzed(DSLContext sql, String title, Query query) {
        System.out.println("== EXPLAIN (ANALYZE, BUFFERS) " + title + " ==");
        System.out.println(sql.renderInlined(query));
        sql.fetch("EXPLAIN (ANALYZE, BUFFERS) {0}", query).forEach(row -> System.out.println(row.get(0)));
    }
}
