package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
 * The sweeper's recovery reads come from messages_unanswered_idx (partial: only messages no answer consumed),
 * however much answered history the table holds: the page of conversations with unanswered messages, in id order,
 * and one conversation's unanswered messages in timestamp order. 100,000 answered messages and 100 unanswered ones
 * (and, for the backlog case, 10,000) are made by the server itself (INSERT ... SELECT over generate_series), then
 * VACUUM ANALYZEd. The plans are printed for docs/postgres.md
 * (target/surefire-reports/*UnansweredQueryPlanTest-output.txt).
 */
class UnansweredQueryPlanTest {
    static final int CONVERSATION_COUNT = 1_000;
    static final int RUN_COUNT = 10_000;
    static final int MESSAGES_PER_RUN = 10;
    static final int UNANSWERED_COUNT = 100;
    /** Messages a ~5 hour AI outage leaves unanswered, one every 2 seconds. */
    static final int BACKLOG_COUNT = 10_000;
    /** The sweeper's default scan limit (OrchestratorSettings.sweepScanLimit). */
    static final int SWEEPER_LIMIT = 1_000;
    /** Runs one every 10 minutes, over ~70 days. */
    static final int SECONDS_BETWEEN_RUNS = 600;
    static final Instant NOW = BASE;
    /** What the sweeper asks for: recorded more than a lock TTL ago. */
    static final Instant CUTOFF = NOW.minus(Duration.ofMinutes(2));

    private static TestDatabase database;
    private static DSLContext sql;

    @BeforeAll
    static void generateRows() {
        database = TestDatabase.migrated();
        sql = database.sql();
        // Unanswered messages one every 7 minutes over the last ~12 hours, all before the cutoff.
        generate(sql, UNANSWERED_COUNT, 420);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void aPageOfConversationsWithUnansweredMessagesIsReadFromThePartialIndexInIdOrder() {
        Query query = RecoveryQueries.conversationsQuery(sql, CUTOFF, Optional.empty(), 20);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "100,000 answered, 100 unanswered: first page of 20 conversations", query);

        assertTrue(plan.contains("Index Scan using messages_unanswered_idx"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        List<ConversationId> all = walk(new PostgresHistory(database.pool()), 20);
        assertEquals(UNANSWERED_COUNT, all.size(), "the 100 unanswered messages are in 100 conversations");
        assertEquals(all.stream().sorted(java.util.Comparator.comparing(ConversationId::value)).toList(), all);
    }

    @Test
    void aLaterPageStartsInTheIndexAtTheLastIdSeen() {
        Query query = RecoveryQueries.conversationsQuery(sql, CUTOFF, Optional.of(ConversationId.of("conv_50")), 20);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "100,000 answered, 100 unanswered: the page after conv_50", query);

        assertTrue(plan.contains("Index Scan using messages_unanswered_idx"), plan);
        assertTrue(plan.contains("conversation_id)::text > "), plan);
    }

    @Test
    void aConversationsUnansweredMessagesAreReadFromThePartialIndexInTimestampOrder() {
        ConversationId conversation = ConversationId.of("conv_2");
        Query query = RecoveryQueries.unansweredQuery(sql, conversation, SWEEPER_LIMIT);

        String plan = sql.explain(query).plan();
        QueryPlans.printAnalyzed(sql, "100,000 answered, 100 unanswered: one conversation's", query);

        assertTrue(plan.contains("Index Scan using messages_unanswered_idx"), plan);
        assertEquals(List.of(MessageId.of("waiting_1")), new PostgresHistory(database.pool())
                .unanswered(conversation, SWEEPER_LIMIT).stream().map(InboundMessage::id).toList());
    }

    @Test
    void duringABacklogAPageStillReadsOnlyWhatItLists() {
        try (TestDatabase backlog = TestDatabase.migrated()) {
            DSLContext backlogSql = backlog.sql();
            generate(backlogSql, BACKLOG_COUNT, 2);
            Query conversations = RecoveryQueries.conversationsQuery(backlogSql, CUTOFF, Optional.empty(), 100);
            Query messages = RecoveryQueries.unansweredQuery(backlogSql, ConversationId.of("conv_2"), SWEEPER_LIMIT);

            String conversationsPlan = backlogSql.explain(conversations).plan();
            String messagesPlan = backlogSql.explain(messages).plan();
            QueryPlans.printAnalyzed(backlogSql, "100,000 answered, 10,000 unanswered: first page of 100 conversations",
                    conversations);
            QueryPlans.printAnalyzed(backlogSql, "100,000 answered, 10,000 unanswered: one conversation's", messages);

            assertTrue(conversationsPlan.contains("Index Scan using messages_unanswered_idx"), conversationsPlan);
            assertFalse(conversationsPlan.contains("Seq Scan"), conversationsPlan);
            // Ten rows of one conversation: PostgreSQL may fetch them through a bitmap of the same index.
            assertTrue(messagesPlan.contains(" messages_unanswered_idx"), messagesPlan);
            assertFalse(messagesPlan.contains("Seq Scan"), messagesPlan);
            PostgresHistory history = new PostgresHistory(backlog.pool());
            assertEquals(CONVERSATION_COUNT, walk(history, 100).size());
            List<InboundMessage> waiting = history.unanswered(ConversationId.of("conv_2"), SWEEPER_LIMIT);
            assertEquals(BACKLOG_COUNT / CONVERSATION_COUNT, waiting.size());
            assertEquals(MessageId.of("waiting_" + (BACKLOG_COUNT - CONVERSATION_COUNT + 1)), waiting.getFirst().id(),
                    "the oldest comes first");
        }
    }

    /** Every conversation with unanswered messages, paging as the sweeper does. */
    private static List<ConversationId> walk(PostgresHistory history, int pageSize) {
        List<ConversationId> seen = new java.util.ArrayList<>();
        Optional<ConversationId> after = Optional.empty();
        for (List<ConversationId> page = history.conversationsWithUnanswered(CUTOFF, after, pageSize);
             !page.isEmpty(); page = history.conversationsWithUnanswered(CUTOFF, after, pageSize)) {
            seen.addAll(page);
            after = Optional.of(page.getLast());
        }
        return seen;
    }

    /**
     * 1,000 conversations, 10,000 sent runs consuming 10 messages each, then {@code unanswered} messages recorded
     * {@code secondsApart} from one another before now (waiting_1 the newest), and VACUUM ANALYZE.
     */
    private static void generate(DSLContext sql, int unanswered, int secondsApart) {
        long start = System.nanoTime();
        QueryPlans.insertConversations(sql, CONVERSATION_COUNT, NOW, i -> DSL.inline(22L));
        QueryPlans.insertSentRuns(sql, RUN_COUNT, CONVERSATION_COUNT, NOW, SECONDS_BETWEEN_RUNS);
        insertAnsweredMessages(sql);
        insertUnansweredMessages(sql, unanswered, secondsApart);
        long generated = System.nanoTime();
        QueryPlans.vacuumAnalyze(sql, CONVERSATIONS, AI_RUNS, MESSAGES);
        System.out.printf("generated %d runs, %d answered and %d unanswered messages in %d ms; VACUUM ANALYZE in %d ms%n",
                RUN_COUNT, RUN_COUNT * MESSAGES_PER_RUN, unanswered, (generated - start) / 1_000_000,
                (System.nanoTime() - generated) / 1_000_000);
    }

    /** Ten messages consumed by each run, recorded in the seconds before it finished. */
    private static void insertAnsweredMessages(DSLContext sql) {
        Table<Record1<Integer>> series = DSL.generateSeries(1, MESSAGES_PER_RUN).as("series", "k");
        Field<Integer> k = series.field("k", Integer.class);
        Field<Instant> recordedAt = DSL.field("{0} - make_interval(secs => {1})", SQLDataType.INSTANT,
                AI_RUNS.FINISHED_AT, k);
        sql.insertInto(MESSAGES, MESSAGES.ID, MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID, MESSAGES.CONTENT,
                        MESSAGES.SENDER_ID, MESSAGES.SENDER_TYPE, MESSAGES.SENT_AT, MESSAGES.METADATA,
                        MESSAGES.ANSWERED_BY, MESSAGES.CREATED_AT)
                .select(DSL.select(DSL.uuid(), AI_RUNS.CONVERSATION_ID,
                                AI_RUNS.ID.cast(SQLDataType.VARCHAR).concat(DSL.inline("_")).concat(k),
                                DSL.inline("Cho mình đặt lịch"), DSL.inline("user_123"), DSL.inline("user"),
                                recordedAt, DSL.inline(JSONB.valueOf("{\"platform\": \"web\"}")), AI_RUNS.ID,
                                recordedAt)
                        .from(AI_RUNS).crossJoin(series))
                .execute();
    }

    /** waiting_1 is the newest, waiting_{count} the oldest; every one is before the cutoff. */
    private static void insertUnansweredMessages(DSLContext sql, int count, int secondsApart) {
        Table<Record1<Integer>> series = DSL.generateSeries(1, count).as("series", "i");
        Field<Integer> i = series.field("i", Integer.class);
        // Offset by the cutoff's two minutes, so even the newest was recorded before it.
        Field<Instant> recordedAt = QueryPlans.secondsBefore(NOW, i.times(secondsApart).plus(120));
        sql.insertInto(MESSAGES, MESSAGES.ID, MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID, MESSAGES.CONTENT,
                        MESSAGES.SENDER_ID, MESSAGES.SENDER_TYPE, MESSAGES.SENT_AT, MESSAGES.METADATA,
                        MESSAGES.CREATED_AT)
                .select(DSL.select(DSL.uuid(), QueryPlans.conversationOf(i, CONVERSATION_COUNT),
                                DSL.inline("waiting_").concat(i), DSL.inline("Còn lịch sáng thứ Hai không?"),
                                DSL.inline("user_123"), DSL.inline("user"), recordedAt,
                                DSL.inline(JSONB.valueOf("{\"platform\": \"web\"}")), recordedAt)
                        .from(series))
                .execute();
    }
}
