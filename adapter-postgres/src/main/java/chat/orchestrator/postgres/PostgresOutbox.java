package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.postgres.schema.tables.records.DeliveriesRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.Record1;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * {@link OutboxPort} on PostgreSQL, over the history's database: one {@code deliveries} row per sent answer (queued
 * by {@link PostgresHistory#recordAnswer} in the answer's transaction), its actions in {@code message_actions}. Each
 * method is one transaction. The claim and why two claimers never share an answer or a conversation:
 * {@link OutboxClaims}. Claims and due times are judged by the database's clock ({@link OutboxClaims#NOW}), never by
 * the caller's; the instants written (the attempt's, the next due time, a retry's) come from the caller.
 */
public final class PostgresOutbox implements OutboxPort {
    /** What an operator's retry re-opens. */
    private static final List<String> OPERATORS_STATES = List.of(DeliveryRows.name(DeliveryState.DEAD_LETTER),
            DeliveryRows.name(DeliveryState.REJECTED), DeliveryRows.name(DeliveryState.WITHHELD));
    private static final List<String> DONE_ACTIONS = List.of(AiRunRows.statusName(DeliveryReport.Status.DELIVERED),
            AiRunRows.statusName(DeliveryReport.Status.SKIPPED));

    /** An empty error keeps the last one: a delivered attempt does not erase why an earlier one failed. */
    private static final RenderedSql RECORD_ATTEMPT = RenderedSql.of(DSL.update(DELIVERIES)
                    .set(DELIVERIES.STATUS, DSL.param("status", DELIVERIES.STATUS))
                    .set(DELIVERIES.ATTEMPTS, DELIVERIES.ATTEMPTS.plus(DSL.param("counted", DELIVERIES.ATTEMPTS)))
                    .set(DELIVERIES.LAST_ERROR, DSL.coalesce(
                            DSL.nullif(DSL.param("error", DELIVERIES.LAST_ERROR), DSL.inline("")), DELIVERIES.LAST_ERROR))
                    .set(DELIVERIES.NEXT_ATTEMPT_AT, DSL.param("next_attempt_at", DELIVERIES.NEXT_ATTEMPT_AT))
                    .set(DELIVERIES.CLAIM_TOKEN, DSL.castNull(DELIVERIES.CLAIM_TOKEN))
                    .set(DELIVERIES.CLAIMED_UNTIL, DSL.castNull(DELIVERIES.CLAIMED_UNTIL))
                    .set(DELIVERIES.UPDATED_AT, DSL.param("updated_at", DELIVERIES.UPDATED_AT))
                    .set(DELIVERIES.SETTLED_AT, DSL.param("settled_at", DELIVERIES.SETTLED_AT))
                    .where(DELIVERIES.RUN_ID.eq(DSL.param("run_id", DELIVERIES.RUN_ID)),
                            DELIVERIES.CONVERSATION_ID.eq(DSL.param("conversation", DELIVERIES.CONVERSATION_ID)),
                            DELIVERIES.CLAIM_TOKEN.eq(DSL.param("claim_token", DELIVERIES.CLAIM_TOKEN)),
                            DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING))),
            "status", "counted", "error", "next_attempt_at", "updated_at", "settled_at", "run_id", "conversation",
            "claim_token");
    /**
     * Right-hand sides see the row before the update: attempts there is the count before this attempt. A delivered
     * or skipped action keeps that status whatever the attempt reports (OutboxPort#record): an attempt that threw
     * reports everything pending, and a pending action is sent again, so the customer would get it twice.
     */
    private static final RenderedSql RECORD_ACTION = RenderedSql.of(DSL.update(MESSAGE_ACTIONS)
                    .set(MESSAGE_ACTIONS.STATUS, DSL.when(MESSAGE_ACTIONS.STATUS.in(DONE_ACTIONS.stream()
                                    .map(DSL::inline).toList()), MESSAGE_ACTIONS.STATUS)
                            .otherwise(DSL.param("status", MESSAGE_ACTIONS.STATUS)))
                    .set(MESSAGE_ACTIONS.ATTEMPTS,
                            MESSAGE_ACTIONS.ATTEMPTS.plus(DSL.param("attempts", MESSAGE_ACTIONS.ATTEMPTS)))
                    .set(MESSAGE_ACTIONS.RETRY_COUNT, DSL.greatest(DSL.inline(0), MESSAGE_ACTIONS.ATTEMPTS
                            .plus(DSL.param("attempts_again", MESSAGE_ACTIONS.ATTEMPTS)).minus(DSL.inline(1))))
                    .set(MESSAGE_ACTIONS.LAST_ERROR, DSL.coalesce(DSL.nullif(
                            DSL.param("error", MESSAGE_ACTIONS.LAST_ERROR), DSL.inline("")), MESSAGE_ACTIONS.LAST_ERROR))
                    .set(MESSAGE_ACTIONS.UPDATED_AT, DSL.param("updated_at", MESSAGE_ACTIONS.UPDATED_AT))
                    .where(MESSAGE_ACTIONS.RUN_ID.eq(DSL.param("run_id", MESSAGE_ACTIONS.RUN_ID)),
                            MESSAGE_ACTIONS.CONVERSATION_ID.eq(DSL.param("conversation", MESSAGE_ACTIONS.CONVERSATION_ID)),
                            MESSAGE_ACTIONS.ACTION_INDEX.eq(DSL.param("action_index", MESSAGE_ACTIONS.ACTION_INDEX))),
            "status", "attempts", "attempts_again", "error", "updated_at", "run_id", "conversation", "action_index");

    /**
     * An attempt that delivered its answer or leaves it due again, recorded in one statement: the deliveries row,
     * owner-checked on the claim token, and, only if that matched, its actions from the report (as
     * {@link #RECORD_ACTION} does, one row per reported action). The actions' right-hand sides see the rows before
     * the update. Returns whether the claim was still this one's. Both tables are matched on the claim's conversation
     * as well as its run (a run's rows always share it), so the statement says which conversation it writes: one
     * shard of a deployment partitioned by conversation (docs/scaling.md). The rows are still found by run id.
     */
    private static final SqlScript RECORD = SqlScript.of("""
            with owned as (
                update deliveries
                   set status = :status, attempts = attempts + :counted,
                       last_error = coalesce(nullif(:error, ''), last_error), next_attempt_at = :next_attempt_at,
                       claim_token = null, claimed_until = null, updated_at = :at,
                       settled_at = cast(:settled_at as timestamptz)
                 where run_id = :run and conversation_id = :conversation and claim_token = :token
                   and status = 'pending'
                returning run_id),
            actions as (
                update message_actions
                   set status = case when message_actions.status in ('delivered', 'skipped')
                                     then message_actions.status else report.status end,
                       attempts = message_actions.attempts + report.attempts,
                       retry_count = greatest(0, message_actions.attempts + report.attempts - 1),
                       last_error = coalesce(nullif(report.error, ''), message_actions.last_error),
                       updated_at = :at
                  from owned, unnest(cast(:indexes as int[]), cast(:statuses as varchar[]), cast(:attempts as int[]),
                                     cast(:errors as varchar[])) as report(action_index, status, attempts, error)
                 where message_actions.run_id = owned.run_id and message_actions.conversation_id = :conversation
                   and message_actions.action_index = report.action_index
                returning 1)
            select count(*) from owned
            """);

    private final Database database;

    public PostgresOutbox(DataSource dataSource) {
        this.database = new Database(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public List<ClaimedDelivery> claimDue(Duration claimFor, int limit) {
        OutboxClaims.micros(claimFor);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return database.transaction("claim due answers",
                sql -> DeliveryRows.claimed(sql, OutboxClaims.claimDue(sql, claimFor, limit)));
    }

    @Override
    public Optional<ClaimedDelivery> claimNext(ConversationId conversationId, Duration claimFor) {
        OutboxClaims.micros(claimFor);
        return database.transaction("claim the next answer for conversation " + conversationId,
                sql -> OutboxClaims.claimNext(sql, conversationId.value(), claimFor)
                        .map(claim -> DeliveryRows.claimed(sql, claim)));
    }

    /** Owner-checked as {@link #recordAttempt} is, and pinned to the claim's conversation the same way. */
    @Override
    public boolean renew(ClaimedDelivery claim, Duration claimFor) {
        long micros = OutboxClaims.micros(claimFor);
        Optional<UUID> token = token(claim);
        if (token.isEmpty()) {
            return false;
        }
        return database.transaction(attempt("renew the claim on", claim), sql -> sql.update(DELIVERIES)
                .set(DELIVERIES.CLAIMED_UNTIL, OutboxClaims.until(DSL.val(micros)))
                .where(DELIVERIES.RUN_ID.eq(claim.runId().value()),
                        DELIVERIES.CONVERSATION_ID.eq(claim.delivery().conversationId().value()),
                        DELIVERIES.CLAIM_TOKEN.eq(token.get()), DELIVERIES.STATUS.eq(DeliveryRows.PENDING))
                .execute() == 1);
    }

    /**
     * Owner-checked on the claim token: a claim that ran out and was taken by another claimer has another token, and
     * an attempt already recorded cleared it, so a lost claim writes nothing. A final state settles the answer; a
     * transfer that ended with its transfer action undelivered lifts its hand-off in the same transaction
     * ({@link HandoffRows#liftTransfer}). Every statement names the claim's conversation besides its run: the run's rows
     * all carry it, so nothing read or written changes, and the statement stays on one shard of a deployment
     * partitioned by conversation (docs/scaling.md).
     */
    @Override
    public Recorded recordAttempt(ClaimedDelivery claim, DeliveryAttempt attempt) {
        Optional<UUID> token = token(claim);
        if (token.isEmpty()) {
            return Recorded.LOST;
        }
        UUID runId = claim.runId().value();
        String conversation = claim.delivery().conversationId().value();
        Instant at = DeliveryRows.micros(attempt.at());
        boolean settled = attempt.state() != DeliveryState.PENDING;
        String error = attempt.report().firstError();
        boolean endedUndelivered = attempt.state() == DeliveryState.REJECTED
                || attempt.state() == DeliveryState.DEAD_LETTER;
        if (!endedUndelivered) {
            // Delivered, or due again: no hand-off can be lifted, so the whole record is one statement.
            List<ActionDelivery> actions = attempt.report().actions();
            Map<String, Object> values = new HashMap<>();
            values.put("status", DeliveryRows.name(attempt.state()));
            values.put("counted", attempt.counted() ? 1 : 0);
            values.put("error", error);
            values.put("next_attempt_at", DeliveryRows.micros(attempt.nextAttemptAt()));
            values.put("at", at);
            values.put("settled_at", settled ? at : null);
            values.put("run", runId);
            values.put("conversation", conversation);
            values.put("token", token.get());
            values.put("indexes", actions.stream().map(ActionDelivery::index).toArray(Integer[]::new));
            values.put("statuses", actions.stream().map(a -> AiRunRows.statusName(a.status())).toArray(String[]::new));
            values.put("attempts", actions.stream().map(ActionDelivery::attempts).toArray(Integer[]::new));
            values.put("errors", actions.stream().map(ActionDelivery::lastError).toArray(String[]::new));
            return database.statement(attempt("record a delivery attempt of", claim),
                    sql -> RECORD.run(sql, values, results -> ((Number) results.getFirst().rows().getFirst()[0])
                            .longValue() == 1 ? Recorded.RECORDED : Recorded.LOST));
        }
        return database.transaction(attempt("record a delivery attempt of", claim), sql -> {
            int owned = RECORD_ATTEMPT.execute(sql, DeliveryRows.name(attempt.state()), attempt.counted() ? 1 : 0,
                    error, DeliveryRows.micros(attempt.nextAttemptAt()), at, settled ? at : null, runId, conversation,
                    token.get());
            if (owned == 0) {
                return Recorded.LOST;
            }
            List<ActionDelivery> actions = attempt.report().actions();
            if (!actions.isEmpty()) {
                RECORD_ACTION.executeBatch(sql, actions.stream().map(action -> new Object[] {
                        AiRunRows.statusName(action.status()), action.attempts(), action.attempts(), action.lastError(),
                        at, runId, conversation, action.index()}).toList());
            }
            if (transferUndelivered(sql, conversation, runId) && HandoffRows.liftTransfer(sql, conversation, runId)) {
                return Recorded.HANDOFF_LIFTED;
            }
            return Recorded.RECORDED;
        });
    }

    /** Whether the run has a transfer_to_agent action that did not reach Pancake (read after this attempt's update). */
    private static boolean transferUndelivered(DSLContext sql, String conversation, UUID runId) {
        return sql.fetchExists(MESSAGE_ACTIONS, MESSAGE_ACTIONS.RUN_ID.eq(runId),
                MESSAGE_ACTIONS.CONVERSATION_ID.eq(conversation),
                MESSAGE_ACTIONS.ACTION_TYPE.eq(DSL.inline(ActionType.TRANSFER_TO_AGENT.wireName())),
                MESSAGE_ACTIONS.STATUS.ne(DSL.inline(AiRunRows.statusName(DeliveryReport.Status.DELIVERED))));
    }

    @Override
    public List<UndeliveredAnswer> list(DeliveryState state, int limit) {
        Objects.requireNonNull(state, "state");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return database.read("list " + DeliveryRows.name(state) + " answers", sql -> {
            List<DeliveriesRecord> rows = listQuery(sql, state, limit).fetch();
            Map<UUID, List<ActionType>> actions = sql.select(MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_TYPE)
                    .from(MESSAGE_ACTIONS)
                    .where(MESSAGE_ACTIONS.RUN_ID.in(rows.stream().map(DeliveriesRecord::getRunId).toList()))
                    .orderBy(MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_INDEX)
                    .fetchGroups(row -> row.value1(), row -> AiRunRows.actionType(row.value2()));
            return rows.stream()
                    .map(row -> DeliveryRows.undelivered(row, actions.getOrDefault(row.getRunId(), List.of())))
                    .toList();
        });
    }

    /**
     * Dead letters, rejections and withheld answers (what operators list) come from deliveries_undeliverable_idx, newest update
     * first, stopping at the limit; the state is inlined so the partial index applies (see OutboxClaims).
     */
    static ResultQuery<DeliveriesRecord> listQuery(DSLContext sql, DeliveryState state, int limit) {
        return sql.selectFrom(DELIVERIES)
                .where(DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.name(state))))
                .orderBy(DELIVERIES.UPDATED_AT.desc(), DELIVERIES.RUN_ID)
                .limit(limit);
    }

    @Override
    public long count(DeliveryState state) {
        Objects.requireNonNull(state, "state");
        return database.read("count " + DeliveryRows.name(state) + " answers",
                sql -> countQuery(sql, state).fetchSingle().value1().longValue());
    }

    /**
     * Pending, dead-letter, rejected and withheld answers are counted from their partial indexes; delivered ones are
     * the rest.
     */
    static ResultQuery<Record1<Integer>> countQuery(DSLContext sql, DeliveryState state) {
        return sql.selectCount().from(DELIVERIES).where(DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.name(state))));
    }

    /**
     * Re-opens a dead letter, a rejection or a withheld answer: pending, due at {@code now}, its horizon starting at {@code now}, the
     * actions not delivered yet pending again. It keeps its commit_seq, so it goes out before the newer answers of
     * its conversation still waiting; {@link OutboxClaims#holdClaimsOf} keeps that safe against concurrent claims.
     */
    @Override
    public boolean retry(RunId runId, Instant now) {
        Instant at = DeliveryRows.micros(now);
        return database.transaction("retry the delivery of run " + runId, sql -> {
            Optional<String> conversation = sql.select(DELIVERIES.CONVERSATION_ID).from(DELIVERIES)
                    .where(DELIVERIES.RUN_ID.eq(runId.value()), DELIVERIES.STATUS.in(OPERATORS_STATES))
                    .fetchOptional(DELIVERIES.CONVERSATION_ID);
            if (conversation.isEmpty()) {
                return false;
            }
            OutboxClaims.holdClaimsOf(sql, conversation.get());
            int reopened = sql.update(DELIVERIES)
                    .set(DELIVERIES.STATUS, DeliveryRows.PENDING)
                    .set(DELIVERIES.NEXT_ATTEMPT_AT, at)
                    .set(DELIVERIES.QUEUED_AT, at)
                    .set(DELIVERIES.CLAIM_TOKEN, (UUID) null)
                    .set(DELIVERIES.CLAIMED_UNTIL, (Instant) null)
                    .set(DELIVERIES.UPDATED_AT, at)
                    .set(DELIVERIES.SETTLED_AT, (Instant) null)
                    // Re-checked: a concurrent retry of the same answer re-opens it once.
                    .where(DELIVERIES.RUN_ID.eq(runId.value()), DELIVERIES.STATUS.in(OPERATORS_STATES))
                    .execute();
            if (reopened == 0) {
                return false;
            }
            sql.update(MESSAGE_ACTIONS)
                    .set(MESSAGE_ACTIONS.STATUS, AiRunRows.PENDING)
                    .set(MESSAGE_ACTIONS.UPDATED_AT, at)
                    .where(MESSAGE_ACTIONS.RUN_ID.eq(runId.value()), MESSAGE_ACTIONS.STATUS.notIn(DONE_ACTIONS))
                    .execute();
            return true;
        });
    }

    /** A token this adapter did not hand out (not a UUID) is no claim of this outbox's. */
    private static Optional<UUID> token(ClaimedDelivery claim) {
        try {
            return Optional.of(UUID.fromString(claim.claimToken()));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    private static String attempt(String what, ClaimedDelivery claim) {
        return what + " run " + claim.runId() + " for conversation " + claim.delivery().conversationId();
    }
}
