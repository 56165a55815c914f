package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Record4;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * The reporting queries operators run against the history, each answered from its own index (docs/postgres.md
 * shows their plans): the most recently active conversations, and how delivery went per action type.
 */
public final class PostgresAnalytics {
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
