package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.FencingToken;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/**
 * The hand-off columns of a conversation row (V6) and the run that consumes a burst people handled: the statements
 * {@link PostgresHistory} runs for hand-offs, inside its transactions or as plain reads.
 */
final class HandoffRows {
    static final String HANDED_OFF = "handed_off";

    private static final RenderedSql READ = RenderedSql.of(DSL.select(CONVERSATIONS.ID, CONVERSATIONS.HANDOFF_SINCE,
                            CONVERSATIONS.HANDOFF_BY, CONVERSATIONS.HANDOFF_REASON, CONVERSATIONS.HANDOFF_ACTIVITY_AT)
                    .from(CONVERSATIONS)
                    .where(CONVERSATIONS.ID.eq(DSL.any(DSL.param("ids", String[].class))),
                            CONVERSATIONS.HANDOFF_SINCE.isNotNull()),
            "ids");
    private static final RenderedSql SET = RenderedSql.of(DSL.update(CONVERSATIONS)
                    .set(CONVERSATIONS.HANDOFF_SINCE, DSL.param("since", CONVERSATIONS.HANDOFF_SINCE))
                    .set(CONVERSATIONS.HANDOFF_BY, DSL.param("by", CONVERSATIONS.HANDOFF_BY))
                    .set(CONVERSATIONS.HANDOFF_REASON, DSL.param("reason", CONVERSATIONS.HANDOFF_REASON))
                    .set(CONVERSATIONS.HANDOFF_ACTIVITY_AT, DSL.param("activity_at", CONVERSATIONS.HANDOFF_ACTIVITY_AT))
                    .where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID))),
            "since", "by", "reason", "activity_at", "id");
    private static final RenderedSql TOUCH = RenderedSql.of(DSL.update(CONVERSATIONS)
                    .set(CONVERSATIONS.HANDOFF_ACTIVITY_AT, DSL.param("activity_at", CONVERSATIONS.HANDOFF_ACTIVITY_AT))
                    .where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID)),
                            CONVERSATIONS.HANDOFF_SINCE.isNotNull())
                    .returning(CONVERSATIONS.HANDOFF_SINCE),
            "activity_at", "id");
    private static final RenderedSql INSERT_RUN = RenderedSql.insert(AI_RUNS, insert -> insert, AI_RUNS.ID,
            AI_RUNS.CONVERSATION_ID, AI_RUNS.MESSAGE_IDS, AI_RUNS.RESPONSE_TEXT, AI_RUNS.INTENT, AI_RUNS.CONFIDENCE,
            AI_RUNS.ENTITIES, AI_RUNS.MODEL, AI_RUNS.PROCESSING_TIME_MS, AI_RUNS.FENCING_TOKEN, AI_RUNS.OUTCOME,
            AI_RUNS.FINISHED_AT, AI_RUNS.HANDOFF_SINCE, AI_RUNS.CREATED_AT);

    private HandoffRows() {
    }

    static Map<ConversationId, Handoff> read(DSLContext sql, Collection<ConversationId> ids) {
        return READ.fetch(sql, row -> Map.entry(ConversationId.of(row.getString(1)), handoff(row)),
                        (Object) ids.stream().map(ConversationId::value).toArray(String[]::new))
                .stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Sets the hand-off, or clears it when empty; false when the conversation has no row (no message recorded). */
    static boolean set(DSLContext sql, ConversationId conversationId, Optional<Handoff> handoff) {
        // Truncated, not rounded by the server: an AI's hand-off starts at its run's finished_at, to the microsecond.
        return SET.execute(sql, handoff.map(h -> DeliveryRows.micros(h.since())).orElse(null),
                handoff.map(h -> h.by().wireName()).orElse(null), handoff.map(Handoff::reason).orElse(null),
                handoff.map(Handoff::lastActivity).orElse(null), conversationId.value()) == 1;
    }

    /**
     * Moves the idle clock of the conversation's hand-off; the hand-off's start (which one the burst goes to), or
     * empty (nothing changed) when it has none.
     */
    static Optional<Instant> touch(DSLContext sql, ConversationId conversationId, Instant at) {
        return TOUCH.fetch(sql, row -> RenderedSql.instant(row, 1), at, conversationId.value()).stream().findFirst();
    }

    /**
     * The run that consumes a burst people handled under the hand-off that started at {@code since}: no answer
     * (empty text, no model), never sent.
     */
    static void insertRun(DSLContext sql, UUID id, ConversationId conversationId, Collection<MessageId> ids,
                          FencingToken token, Instant at, Instant since, Instant now) {
        INSERT_RUN.execute(sql, id, conversationId.value(), ids.stream().map(MessageId::value).toArray(String[]::new),
                "", HANDED_OFF, 0.0, JSONB.valueOf("{}"), "", 0L, token.value(), HANDED_OFF, at, since, now);
    }

    /**
     * A transfer answer of run {@code transfer} told no person: clears the conversation's hand-off if it is still the
     * one that answer made (by the AI, since the run finished; an operator's later one stays), and makes the bursts
     * recorded for people under it unanswered again, their handed_off runs gone. The conversation row's lock orders
     * it with the fenced writes: a burst stored first is given back, one stored after finds no hand-off and is the
     * bot's. True when the hand-off was lifted. {@code conversation} is the run's (the claim's): the run is read by its
     * id within it, so every statement names the conversation it touches (docs/scaling.md).
     */
    static boolean liftTransfer(DSLContext sql, String conversation, UUID transfer) {
        Instant since = sql.select(AI_RUNS.FINISHED_AT).from(AI_RUNS)
                .where(AI_RUNS.ID.eq(transfer), AI_RUNS.CONVERSATION_ID.eq(conversation))
                .fetchSingle(AI_RUNS.FINISHED_AT);
        int lifted = sql.update(CONVERSATIONS)
                .set(CONVERSATIONS.HANDOFF_SINCE, (Instant) null)
                .set(CONVERSATIONS.HANDOFF_BY, (String) null)
                .set(CONVERSATIONS.HANDOFF_REASON, (String) null)
                .set(CONVERSATIONS.HANDOFF_ACTIVITY_AT, (Instant) null)
                .where(CONVERSATIONS.ID.eq(conversation), CONVERSATIONS.HANDOFF_BY.eq(Handoff.By.AI.wireName()),
                        CONVERSATIONS.HANDOFF_SINCE.eq(since))
                .execute();
        if (lifted == 0) {
            return false;
        }
        var underIt = DSL.select(AI_RUNS.ID).from(AI_RUNS).where(AI_RUNS.CONVERSATION_ID.eq(conversation),
                AI_RUNS.OUTCOME.eq(HANDED_OFF), AI_RUNS.HANDOFF_SINCE.eq(since));
        sql.update(MESSAGES).set(MESSAGES.ANSWERED_BY, (UUID) null)
                .where(MESSAGES.CONVERSATION_ID.eq(conversation), MESSAGES.ANSWERED_BY.in(underIt))
                .execute();
        sql.deleteFrom(AI_RUNS).where(AI_RUNS.CONVERSATION_ID.eq(conversation), AI_RUNS.OUTCOME.eq(HANDED_OFF),
                AI_RUNS.HANDOFF_SINCE.eq(since)).execute();
        return true;
    }

    private static Handoff handoff(ResultSet row) throws SQLException {
        return new Handoff(RenderedSql.instant(row, 2), Handoff.By.fromWireName(row.getString(3)), row.getString(4),
                RenderedSql.instant(row, 5));
    }
}
