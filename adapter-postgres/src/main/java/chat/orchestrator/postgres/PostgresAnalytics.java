package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.AnalyticsReport.DeliveryFailures;
import chat.orchestrator.core.port.AnalyticsReport.Handoffs;
import chat.orchestrator.core.port.AnalyticsReport.Outcomes;
import chat.orchestrator.core.port.AnalyticsWindow;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.ModelLatency;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Record4;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * {@link AnalyticsPort} on PostgreSQL, plus the reporting queries operators run against the history, each answered
 * from its own index (docs/postgres.md shows their plans): an owner's report over a window of hours
 * ({@link AnalyticsQueries}), the most recently active conversations, and how delivery went per action type.
 */
public final class PostgresAnalytics implements AnalyticsPort {
    public static final int MAX_LIMIT = 1_000;
    private static final Field<Integer> ACTIONS = DSL.count().as("actions");
    private static final Field<BigDecimal> AVERAGE_RETRIES = DSL.avg(MESSAGE_ACTIONS.RETRY_COUNT).as("average_retries");

    private final Database database;

    public PostgresAnalytics(DataSource dataSource) {
        this.database = new Database(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** A conversation and its latest activity. */
    public record RecentConversation(ConversationId conversationId, MessageId lastMessageId, Instant lastMessageAt,
                                     long totalMessages) {
    }

    /** How many actions of one type were queued, and how many retries they needed on average. */
    public record ActionTypeFigures(ActionType type, long actions, double averageRetryCount) {
    }

    /**
     * Five grouped reads of the window in one read-only REPEATABLE READ transaction: one snapshot, so the figures
     * agree with each other (an answer stored between two reads is in all of them or in none).
     */
    @Override
    public AnalyticsReport report(AnalyticsWindow window) {
        Objects.requireNonNull(window, "window");
        return database.transaction("compute the analytics report from " + window.from() + " to " + window.to(),
                sql -> {
                    sql.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    return report(sql, window);
                });
    }

    private static AnalyticsReport report(DSLContext sql, AnalyticsWindow window) {
        Map<Instant, Long> received = new HashMap<>();
        long answered = 0;
        for (var row : AnalyticsQueries.messages(sql, window)) {
            received.put(row.value1(), row.value2().longValue());
            answered += row.value3();
        }
        Map<Instant, Long> sent = new HashMap<>();
        Map<Instant, Long> discarded = new HashMap<>();
        for (var row : AnalyticsQueries.runs(sql, window)) {
            (AiRunRows.SENT.equals(row.value2()) ? sent : discarded).put(row.value1(), row.value3().longValue());
        }
        long messages = received.values().stream().mapToLong(Long::longValue).sum();
        Deliveries deliveries = deliveries(sql, window);
        Actions actions = actions(sql, window);
        return new AnalyticsReport(window, AnalyticsReport.hourly(window, received, sent, discarded),
                new Outcomes(answered, messages - answered, deliveries.of(DeliveryState.DELIVERED),
                        deliveries.of(DeliveryState.PENDING)),
                actions.counts(), latency(sql, window),
                new DeliveryFailures(deliveries.failedAttempts(), deliveries.of(DeliveryState.REJECTED),
                        deliveries.of(DeliveryState.DEAD_LETTER)),
                new Handoffs(actions.handoffs()));
    }

    /** The window's answers per delivery state, and their attempts that did not deliver. */
    private record Deliveries(Map<DeliveryState, Long> answers, long failedAttempts) {
        long of(DeliveryState state) {
            return answers.getOrDefault(state, 0L);
        }
    }

    private static Deliveries deliveries(DSLContext sql, AnalyticsWindow window) {
        Map<DeliveryState, Long> answers = new EnumMap<>(DeliveryState.class);
        long failedAttempts = 0;
        for (var row : AnalyticsQueries.deliveries(sql, window)) {
            answers.put(DeliveryRows.state(row.value1()), row.value2().longValue());
            failedAttempts += row.value3().longValue();
        }
        return new Deliveries(answers, failedAttempts);
    }

    /** The window's actions per type, and the answers that carried a transfer_to_agent. */
    private record Actions(Map<ActionType, Long> counts, long handoffs) {
    }

    private static Actions actions(DSLContext sql, AnalyticsWindow window) {
        Map<ActionType, Long> counts = new EnumMap<>(ActionType.class);
        long handoffs = 0;
        for (var row : AnalyticsQueries.actions(sql, window)) {
            ActionType type = AiRunRows.actionType(row.value1());
            counts.put(type, row.value2().longValue());
            handoffs += type == ActionType.TRANSFER_TO_AGENT ? row.value3() : 0;
        }
        return new Actions(counts, handoffs);
    }

    private static List<ModelLatency> latency(DSLContext sql, AnalyticsWindow window) {
        return AnalyticsQueries.latency(sql, window).fetch(row -> new ModelLatency(row.value1(), row.value2(),
                row.value3().doubleValue(), row.value4().doubleValue(), row.value5().doubleValue()));
    }

    /** Conversations with a message since {@code since}, most recent first, at most {@code limit} of them. */
    public List<RecentConversation> recentConversations(Instant since, int limit) {
        return database.read("list recent conversations", sql -> recentConversationsQuery(sql, since, limit)
                .fetch(row -> new RecentConversation(ConversationId.of(row.value1()), MessageId.of(row.value2()),
                        row.value3(), row.value4())));
    }

    /** Per action type, the actions queued since {@code since}, in the order of the type's name. */
    public List<ActionTypeFigures> actionFigures(Instant since) {
        return database.read("compute action figures", sql -> actionFiguresQuery(sql, since)
                .fetch(row -> new ActionTypeFigures(AiRunRows.actionType(row.value1()), row.value2(),
                        row.value3().doubleValue())));
    }

    /** Served by conversations_last_message_idx, read backwards from the newest entry until the limit. */
    static ResultQuery<Record4<String, String, Instant, Long>> recentConversationsQuery(DSLContext sql, Instant since,
                                                                                       int limit) {
        Objects.requireNonNull(since, "since");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return sql.select(CONVERSATIONS.ID, CONVERSATIONS.LAST_MESSAGE_ID, CONVERSATIONS.LAST_MESSAGE_TIMESTAMP,
                        CONVERSATIONS.TOTAL_MESSAGES)
                .from(CONVERSATIONS)
                .where(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP.ge(since))
                .orderBy(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP.desc(), CONVERSATIONS.ID)
                .limit(limit);
    }

    /** Served by message_actions_created_type_idx alone (an index-only scan: it includes retry_count). */
    static ResultQuery<Record3<String, Integer, BigDecimal>> actionFiguresQuery(DSLContext sql, Instant since) {
        Objects.requireNonNull(since, "since");
        return sql.select(MESSAGE_ACTIONS.ACTION_TYPE, ACTIONS, AVERAGE_RETRIES)
                .from(MESSAGE_ACTIONS)
                .where(MESSAGE_ACTIONS.CREATED_AT.ge(since))
                .groupBy(MESSAGE_ACTIONS.ACTION_TYPE)
                .orderBy(MESSAGE_ACTIONS.ACTION_TYPE);
    }
}
