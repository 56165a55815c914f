package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.MESSAGES;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record1;
import org.jooq.Record7;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * The sweeper's recovery reads of {@link PostgresHistory}: messages recorded but never answered, which the state
 * store may have lost. Both are served by messages_unanswered_idx (conversation_id, sent_at) WHERE answered_by IS
 * NULL: partial, it holds only the messages still waiting, however long the answered history grows.
 */
final class RecoveryQueries {
    private RecoveryQueries() {
    }

    /**
     * Conversations with a message recorded before {@code recordedBefore} that no answer consumed, in id order after
     * {@code after}. The index is read in conversation order from {@code after} on, each conversation's entries
     * collapsed to one, stopping at the limit: a page costs the unanswered messages of the conversations it lists.
     */
    static ResultQuery<Record1<String>> conversationsQuery(DSLContext sql, Instant recordedBefore,
                                                           Optional<ConversationId> after, int limit) {
        return sql.selectDistinct(MESSAGES.CONVERSATION_ID)
                .from(MESSAGES)
                .where(MESSAGES.ANSWERED_BY.isNull(), MESSAGES.CREATED_AT.lt(recordedBefore),
                        after.map(id -> MESSAGES.CONVERSATION_ID.gt(id.value())).orElse(DSL.noCondition()))
                .orderBy(MESSAGES.CONVERSATION_ID)
                .limit(limit);
    }

    /** The conversation's unanswered messages in timestamp order (the index's order; ties by message id). */
    static ResultQuery<Record7<String, String, String, String, String, Instant, JSONB>> unansweredQuery(
            DSLContext sql, ConversationId conversationId, int limit) {
        return sql.select(MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID, MESSAGES.CONTENT, MESSAGES.SENDER_ID,
                        MESSAGES.SENDER_TYPE, MESSAGES.SENT_AT, MESSAGES.METADATA)
                .from(MESSAGES)
                .where(MESSAGES.CONVERSATION_ID.eq(conversationId.value()), MESSAGES.ANSWERED_BY.isNull())
                .orderBy(MESSAGES.SENT_AT, MESSAGES.MESSAGE_ID)
                .limit(limit);
    }

    /** The message exactly as it was recorded: the sweeper hands it to a worker that answers it like any other. */
    static InboundMessage inboundMessage(Record7<String, String, String, String, String, Instant, JSONB> row) {
        return new InboundMessage(MessageId.of(row.value2()), ConversationId.of(row.value1()), row.value3(),
                row.value4(), SenderType.parse(row.value5()), row.value6(), Json.stringMap(row.value7()));
    }
}
