package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.postgres.schema.tables.records.AiRunsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record7;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * The recovery reads of {@link PostgresHistory}, apart from the lifecycle's writes: answers stored but never
 * delivered (the outbox claim) and messages recorded but never answered (the sweeper's requeue). Each runs inside
 * the caller's transaction.
 */
final class RecoveryQueries {
    private RecoveryQueries() {
    }

    /** Claims up to {@code limit} undelivered answers until {@code claimedUntil}; see HistoryPort.claimUndelivered. */
    static List<Delivery> claimUndelivered(DSLContext sql, Instant answeredBefore, Instant now, Instant claimedUntil,
                                           Instant updatedAt, int limit) {
        List<AiRunsRecord> locked = undeliveredQuery(sql, answeredBefore, now, limit).fetch();
        if (locked.isEmpty()) {
            return List.of();
        }
        // A fresh statement, so a fresh snapshot: another claimer that took one of these runs between the
        // select's snapshot and our lock has committed by now (it held the lock until then), and its claim is
        // seen here as not due. Only the runs whose rows this update claims are handed out.
        Set<UUID> claimed = Set.copyOf(sql.update(MESSAGE_ACTIONS)
                .set(MESSAGE_ACTIONS.NEXT_ATTEMPT_AT, claimedUntil)
                .set(MESSAGE_ACTIONS.UPDATED_AT, updatedAt)
                .where(MESSAGE_ACTIONS.RUN_ID.in(locked.stream().map(AiRunsRecord::getId).toList()),
                        MESSAGE_ACTIONS.STATUS.eq(AiRunRows.PENDING), due(now))
                .returning(MESSAGE_ACTIONS.RUN_ID)
                .fetch(MESSAGE_ACTIONS.RUN_ID));
        Map<UUID, List<Action>> actions = AiRunRows.actions(sql, claimed);
        return locked.stream()
                .filter(run -> claimed.contains(run.getId()))
                .map(run -> new Delivery(ConversationId.of(run.getConversationId()), new RunId(run.getId()),
                        new FencingToken(run.getFencingToken()),
                        AiRunRows.reply(run, actions.getOrDefault(run.getId(), List.of())), run.getFinishedAt()))
                .toList();
    }

    /**
     * The recovery's candidates, oldest answer first, each run's row locked for the claim. FOR NO KEY UPDATE is
     * the lock recordDelivery's update of the same row takes, so a claim and a delivery report of one run wait for
     * each other, while foreign-key checks against the run (FOR KEY SHARE) are not held up. SKIP LOCKED: a run
     * another instance is claiming (or whose delivery is being recorded) is left to it. The outbox side is
     * served by message_actions_due_idx, the run side by ai_runs_undelivered_idx (V3): both hold only the work
     * still to do. The constants their predicates name are inlined, not bound: PostgreSQL can use a partial index
     * only when it can prove the query implies the index's predicate, which a generic plan of a bound parameter
     * (a prepared statement after its fifth run) cannot.
     */
    static ResultQuery<AiRunsRecord> undeliveredQuery(DSLContext sql, Instant answeredBefore, Instant now, int limit) {
        return sql.selectFrom(AI_RUNS)
                .where(AI_RUNS.ID.in(sql.select(MESSAGE_ACTIONS.RUN_ID).from(MESSAGE_ACTIONS)
                                .where(MESSAGE_ACTIONS.STATUS.eq(DSL.inline(AiRunRows.PENDING)), due(now))),
                        AI_RUNS.OUTCOME.eq(DSL.inline(AiRunRows.SENT)), AI_RUNS.DELIVERY_RECORDED_AT.isNull(),
                        AI_RUNS.FINISHED_AT.lt(answeredBefore))
                .orderBy(AI_RUNS.FINISHED_AT, AI_RUNS.ID)
                .limit(limit)
                .forNoKeyUpdate()
                .skipLocked();
    }

    /** Not claimed past {@code now}: an outbox row is due from its next_attempt_at on (NULL: due at once). */
    private static Condition due(Instant now) {
        return MESSAGE_ACTIONS.NEXT_ATTEMPT_AT.isNull().or(MESSAGE_ACTIONS.NEXT_ATTEMPT_AT.le(now));
    }

    /**
     * Served by messages_unanswered_age_idx (V2): read in created_at order from the oldest entry, stopping at the
     * limit; only the ties on created_at are sorted.
     */
    static ResultQuery<Record7<String, String, String, String, String, Instant, JSONB>> unansweredQuery(
            DSLContext sql, Instant cutoff, int limit) {
        return sql.select(MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID, MESSAGES.CONTENT, MESSAGES.SENDER_ID,
                        MESSAGES.SENDER_TYPE, MESSAGES.SENT_AT, MESSAGES.METADATA)
                .from(MESSAGES)
                .where(MESSAGES.ANSWERED_BY.isNull(), MESSAGES.CREATED_AT.lt(cutoff))
                .orderBy(MESSAGES.CREATED_AT, MESSAGES.SENT_AT, MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID)
                .limit(limit);
    }

    /** The message exactly as it was recorded: the sweeper hands it to a worker that answers it like any other. */
    static InboundMessage inboundMessage(Record7<String, String, String, String, String, Instant, JSONB> row) {
        return new InboundMessage(MessageId.of(row.value2()), ConversationId.of(row.value1()), row.value3(),
                row.value4(), SenderType.parse(row.value5()), row.value6(), Json.stringMap(row.value7()));
    }
}
