package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.DeliveryState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The conversation's last turns as the AI saw them: for each sent run, in the order the runs committed (their
 * deliveries' commit_seq, which is also the order the customer gets them; the holders' clocks may disagree), the
 * messages it consumed in timestamp order, then its answer unless its delivery ended (rejected, dead-lettered or
 * withheld) with none of its actions delivered; an answer still pending in the outbox counts. Discarded runs answer
 * nothing, so neither they nor their messages appear.
 */
final class RecentTurnsQuery {
    private static final Field<String> TEXT = DSL.field(DSL.name("text"), SQLDataType.CLOB);
    private static final Field<Instant> AT = DSL.field(DSL.name("at"), SQLDataType.INSTANT);
    private static final Field<Long> RUN_SEQ = DSL.field(DSL.name("run_seq"), SQLDataType.BIGINT);
    /** 0 for a customer message, 1 for the answer: within a run the answer comes last. */
    private static final Field<Integer> KIND = DSL.field(DSL.name("kind"), SQLDataType.INTEGER);
    private static final Field<String> MESSAGE_ID = DSL.field(DSL.name("message_id"), SQLDataType.VARCHAR);
    private static final int CUSTOMER = 0;
    private static final List<Field<String>> ENDED_UNDELIVERED = List.of(
            DSL.inline(DeliveryRows.name(DeliveryState.REJECTED)), DSL.inline(DeliveryRows.name(DeliveryState.DEAD_LETTER)),
            DSL.inline(DeliveryRows.name(DeliveryState.WITHHELD)));
    private static final Field<String> DELIVERED = DSL.inline(AiRunRows.statusName(DeliveryReport.Status.DELIVERED));

    // Every sent run has its deliveries row (queued with it, or backfilled by V4); discarded runs have none. Each join
    // also matches the conversation, which a run's rows always share: it changes no result, but it says which
    // conversation every table is read for, so a deployment partitioned by conversation runs this on one shard
    // (docs/scaling.md). The rows are still found by run id, through deliveries_pkey and message_actions_run_index_key.
    // The actions' check names the conversation as a value, not as ai_runs' column: PostgreSQL may run it as a hashed
    // subplan, one read of message_actions for all the runs, matched to each by hash, and a condition on the outer
    // row's column would not say which conversation that read is for.
    static final RenderedSql LAST_TURNS = RenderedSql.of(DSL.select(MESSAGES.CONTENT.as(TEXT),
                            MESSAGES.SENT_AT.as(AT), DELIVERIES.COMMIT_SEQ.as(RUN_SEQ), DSL.inline(CUSTOMER).as(KIND),
                            MESSAGES.MESSAGE_ID.as(MESSAGE_ID))
                    .from(MESSAGES)
                    .join(DELIVERIES).on(DELIVERIES.RUN_ID.eq(MESSAGES.ANSWERED_BY),
                            DELIVERIES.CONVERSATION_ID.eq(MESSAGES.CONVERSATION_ID))
                    .where(MESSAGES.CONVERSATION_ID.eq(DSL.param("conversation", MESSAGES.CONVERSATION_ID)))
                    .unionAll(DSL.select(AI_RUNS.RESPONSE_TEXT, AI_RUNS.FINISHED_AT, DELIVERIES.COMMIT_SEQ, DSL.inline(1),
                                    DSL.inline(""))
                            .from(AI_RUNS)
                            .join(DELIVERIES).on(DELIVERIES.RUN_ID.eq(AI_RUNS.ID),
                                    DELIVERIES.CONVERSATION_ID.eq(AI_RUNS.CONVERSATION_ID))
                            .where(AI_RUNS.CONVERSATION_ID.eq(DSL.param("same_conversation", AI_RUNS.CONVERSATION_ID)),
                                    // An answer whose delivery ended having reached the customer with nothing is no
                                    // turn of theirs.
                                    DELIVERIES.STATUS.notIn(ENDED_UNDELIVERED).orExists(DSL.selectOne()
                                            .from(MESSAGE_ACTIONS)
                                            .where(MESSAGE_ACTIONS.RUN_ID.eq(AI_RUNS.ID),
                                                    MESSAGE_ACTIONS.CONVERSATION_ID.eq(DSL.param(
                                                            "actions_conversation", MESSAGE_ACTIONS.CONVERSATION_ID)),
                                                    MESSAGE_ACTIONS.STATUS.eq(DELIVERED)))))
                    .orderBy(RUN_SEQ.desc(), KIND.desc(), AT.desc(), MESSAGE_ID.desc())
                    .limit(DSL.param("limit", Integer.class)),
            "conversation", "same_conversation", "actions_conversation", "limit");

    private RecentTurnsQuery() {
    }

    /** The turns as {@link #LAST_TURNS} returns them (newest first), read by a {@link SqlScript}: oldest first. */
    static List<Turn> turns(List<Object[]> newestFirst) {
        List<Turn> oldestFirst = new ArrayList<>(newestFirst.size());
        for (int index = newestFirst.size() - 1; index >= 0; index--) {
            Object[] row = newestFirst.get(index);
            oldestFirst.add(new Turn(((Number) row[3]).intValue() == CUSTOMER ? Turn.Role.CUSTOMER : Turn.Role.BOT,
                    (String) row[0], (Instant) row[1]));
        }
        return List.copyOf(oldestFirst);
    }

    static List<Turn> lastTurns(DSLContext sql, ConversationId conversationId, int maxTurns) {
        String conversation = conversationId.value();
        List<Turn> newestFirst = LAST_TURNS.fetch(sql, row -> new Turn(
                        row.getInt(4) == CUSTOMER ? Turn.Role.CUSTOMER : Turn.Role.BOT, row.getString(1),
                        RenderedSql.instant(row, 2)),
                conversation, conversation, conversation, maxTurns);
        List<Turn> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return List.copyOf(oldestFirst);
    }
}
