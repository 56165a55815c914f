package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.impl.DSL;

/**
 * {@link HistoryPort} on PostgreSQL: each method is one transaction. Writes of a holder are fenced on the
 * conversation row: {@code UPDATE conversations SET max_fencing_token = t WHERE id = c AND max_fencing_token <= t}
 * both checks the token and takes the row lock, so fenced writes of one conversation run one after another and
 * see each other's commits. Dedup rests on the unique (conversation, message id) constraint, so it survives
 * restarts and races between instances.
 */
public final class PostgresHistory implements HistoryPort {
    private final Database database;
    private final Clock clock;

    public PostgresHistory(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** @param clock stamps the bookkeeping columns (created, updated, delivery recorded) */
    public PostgresHistory(DataSource dataSource, Clock clock) {
        this.database = new Database(Objects.requireNonNull(dataSource, "dataSource"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RecordOutcome record(InboundMessage message) {
        String conversation = message.conversationId().value();
        return database.transaction(attempt("record message " + message.id(), message.conversationId()), sql -> {
            Instant now = clock.instant();
            sql.insertInto(CONVERSATIONS)
                    .set(CONVERSATIONS.ID, conversation)
                    .set(CONVERSATIONS.LAST_MESSAGE_ID, message.id().value())
                    .set(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP, message.timestamp())
                    .set(CONVERSATIONS.CREATED_AT, now)
                    .set(CONVERSATIONS.UPDATED_AT, now)
                    .onConflictDoNothing()
                    .execute();
            // A racing insert of the same message waits for the other transaction, then does nothing: the
            // constraint decides which caller sees NEW, without an exception.
            int inserted = sql.insertInto(MESSAGES)
                    .set(MESSAGES.ID, UUID.randomUUID())
                    .set(MESSAGES.CONVERSATION_ID, conversation)
                    .set(MESSAGES.MESSAGE_ID, message.id().value())
                    .set(MESSAGES.CONTENT, message.content())
                    .set(MESSAGES.SENDER_ID, message.senderId())
                    .set(MESSAGES.SENDER_TYPE, message.senderType().wireName())
                    .set(MESSAGES.SENT_AT, message.timestamp())
                    .set(MESSAGES.METADATA, Json.of(message.metadata()))
                    .set(MESSAGES.CREATED_AT, now)
                    .onConflict(MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID).doNothing()
                    .execute();
            if (inserted == 1) {
                countNewMessage(sql, message, now);
                return RecordOutcome.NEW;
            }
            return sql.select(MESSAGES.ANSWERED_BY).from(MESSAGES)
                    .where(MESSAGES.CONVERSATION_ID.eq(conversation), MESSAGES.MESSAGE_ID.eq(message.id().value()))
                    .fetchOptional(MESSAGES.ANSWERED_BY)
                    .map(answeredBy -> RecordOutcome.ANSWERED)
                    .orElse(RecordOutcome.UNANSWERED);
        });
    }

    /** Messages arrive out of order: the latest is the one with the highest timestamp, not the last recorded. */
    private static void countNewMessage(DSLContext sql, InboundMessage message, Instant now) {
        sql.update(CONVERSATIONS)
                .set(CONVERSATIONS.TOTAL_MESSAGES, CONVERSATIONS.TOTAL_MESSAGES.plus(1))
                .set(CONVERSATIONS.LAST_MESSAGE_ID,
                        DSL.when(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP.le(message.timestamp()),
                                DSL.val(message.id().value())).otherwise(CONVERSATIONS.LAST_MESSAGE_ID))
                .set(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP,
                        DSL.greatest(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP, DSL.val(message.timestamp())))
                .set(CONVERSATIONS.UPDATED_AT, now)
                .where(CONVERSATIONS.ID.eq(message.conversationId().value()))
                .execute();
    }

    /** Turns come run by run, as the AI saw them: each burst in timestamp order, then the answer sent to it. */
    @Override
    public List<Turn> recentTurns(ConversationId conversationId, int maxTurns) {
        if (maxTurns <= 0) {
            return List.of();
        }
        return database.read(attempt("read recent turns", conversationId),
                sql -> RecentTurnsQuery.lastTurns(sql, conversationId, maxTurns));
    }

    @Override
    public Set<MessageId> answeredAmong(ConversationId conversationId, Set<MessageId> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return database.read(attempt("read answered messages", conversationId),
                sql -> answered(sql, conversationId, ids).keySet());
    }

    @Override
    public FencedWrite recordDiscarded(AiRun run) {
        return fencedWrite(attempt("record discarded run " + run.id(), run.conversationId()), sql -> {
            Instant now = clock.instant();
            admit(sql, run, now);
            AiRunRows.insertRun(sql, run, AiRunRows.DISCARDED, now);
            return FencedWrite.committed();
        });
    }

    @Override
    public FencedWrite recordAnswer(AiRun run) {
        return fencedWrite(attempt("record answer run " + run.id(), run.conversationId()), sql -> {
            Instant now = clock.instant();
            admit(sql, run, now);
            Set<MessageId> consumed = Set.copyOf(run.messageIds());
            Map<MessageId, UUID> answered = answered(sql, run.conversationId(), consumed);
            if (!answered.isEmpty()) {
                // The same run again (a retry after a lost commit acknowledgement) is already durable.
                boolean byThisRun = answered.size() == consumed.size()
                        && answered.values().stream().allMatch(run.id().value()::equals);
                if (byThisRun) {
                    return FencedWrite.committed();
                }
                throw new Refusal(FencedWrite.Reason.ALREADY_ANSWERED);
            }
            AiRunRows.insertRun(sql, run, AiRunRows.SENT, now);
            int marked = sql.update(MESSAGES)
                    .set(MESSAGES.ANSWERED_BY, run.id().value())
                    .where(MESSAGES.CONVERSATION_ID.eq(run.conversationId().value()),
                            MESSAGES.MESSAGE_ID.in(values(consumed)), MESSAGES.ANSWERED_BY.isNull())
                    .execute();
            if (marked != consumed.size()) {
                throw new IllegalArgumentException("run " + run.id() + " of conversation " + run.conversationId()
                        + " answers messages that were never recorded: record every message before answering it");
            }
            AiRunRows.insertActions(sql, run, now);
            return FencedWrite.committed();
        });
    }

    /**
     * Updates the outbox rows of a sent run with how their delivery went. A run that is not a stored sent answer
     * of this conversation has no outbox rows, so there is nothing to record and nothing is written.
     */
    @Override
    public void recordDelivery(ConversationId conversationId, RunId runId, DeliveryReport report) {
        database.transaction(attempt("record delivery of run " + runId, conversationId), sql -> {
            Instant now = clock.instant();
            int known = sql.update(AI_RUNS)
                    .set(AI_RUNS.DELIVERY_RECORDED_AT, now)
                    .where(AI_RUNS.ID.eq(runId.value()), AI_RUNS.CONVERSATION_ID.eq(conversationId.value()),
                            AI_RUNS.OUTCOME.eq(AiRunRows.SENT))
                    .execute();
            if (known == 1 && !report.actions().isEmpty()) {
                sql.batch(report.actions().stream().map(action -> deliveryUpdate(sql, runId, action, now)).toList())
                        .execute();
            }
            return known;
        });
    }

    private static Query deliveryUpdate(DSLContext sql, RunId runId, ActionDelivery action, Instant now) {
        boolean settled = action.status() != DeliveryReport.Status.FAILED;
        return sql.update(MESSAGE_ACTIONS)
                .set(MESSAGE_ACTIONS.STATUS, AiRunRows.statusName(action.status()))
                .set(MESSAGE_ACTIONS.ATTEMPTS, action.attempts())
                .set(MESSAGE_ACTIONS.RETRY_COUNT, Math.max(0, action.attempts() - 1))
                .set(MESSAGE_ACTIONS.LAST_ERROR, action.lastError())
                // A failed action stays due for the outbox dispatcher; any other outcome is final.
                .set(MESSAGE_ACTIONS.NEXT_ATTEMPT_AT, settled ? DSL.val((Instant) null) : MESSAGE_ACTIONS.NEXT_ATTEMPT_AT)
                .set(MESSAGE_ACTIONS.UPDATED_AT, now)
                .where(MESSAGE_ACTIONS.RUN_ID.eq(runId.value()), MESSAGE_ACTIONS.ACTION_INDEX.eq(action.index()));
    }

    /**
     * Claims, in one transaction, the oldest sent answers finished before {@code answeredBefore} whose delivery was
     * never recorded and whose outbox rows are due ({@code next_attempt_at} NULL or not after {@code now}): their
     * pending rows are made due again only at {@code now + claimFor}, so no other instance takes them until this
     * claim runs out. The run's row is the claim's lock, taken with SKIP LOCKED: concurrent claimers each take
     * other runs rather than waiting for one another. See docs/postgres.md, "Outbox recovery".
     */
    @Override
    public List<Delivery> claimUndelivered(Instant answeredBefore, Instant now, Duration claimFor, int limit) {
        Objects.requireNonNull(answeredBefore, "answeredBefore");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(claimFor, "claimFor");
        if (claimFor.isNegative() || claimFor.isZero()) {
            throw new IllegalArgumentException("claimFor must be positive, got " + claimFor);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return database.transaction("claim undelivered answers stored before " + answeredBefore,
                sql -> RecoveryQueries.claimUndelivered(sql, answeredBefore, now, now.plus(claimFor), clock.instant(),
                        limit));
    }

    @Override
    public Optional<DeliveryReport> delivery(ConversationId conversationId, RunId runId) {
        return database.read(attempt("read delivery of run " + runId, conversationId), sql -> {
            boolean recorded = sql.fetchExists(AI_RUNS, AI_RUNS.ID.eq(runId.value()),
                    AI_RUNS.CONVERSATION_ID.eq(conversationId.value()), AI_RUNS.DELIVERY_RECORDED_AT.isNotNull());
            if (!recorded) {
                return Optional.empty();
            }
            return Optional.of(new DeliveryReport(sql.select(MESSAGE_ACTIONS.ACTION_INDEX, MESSAGE_ACTIONS.ACTION_TYPE,
                            MESSAGE_ACTIONS.STATUS, MESSAGE_ACTIONS.ATTEMPTS, MESSAGE_ACTIONS.LAST_ERROR)
                    .from(MESSAGE_ACTIONS)
                    .where(MESSAGE_ACTIONS.RUN_ID.eq(runId.value()), MESSAGE_ACTIONS.STATUS.ne(AiRunRows.PENDING))
                    .orderBy(MESSAGE_ACTIONS.ACTION_INDEX)
                    .fetch(row -> new ActionDelivery(row.value1(), AiRunRows.actionType(row.value2()),
                            AiRunRows.status(row.value3()), row.value4(), row.value5()))));
        });
    }

    /**
     * Oldest record first, by {@code created_at} (when this adapter recorded the message, from its clock); records
     * stamped with the same instant (a coarse or fixed clock) follow their timestamp, then conversation and message
     * id, so two calls over the same rows list them in the same order.
     */
    @Override
    public List<InboundMessage> unansweredRecordedBefore(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return database.read("list unanswered messages recorded before " + cutoff,
                sql -> RecoveryQueries.unansweredQuery(sql, cutoff, limit).fetch(RecoveryQueries::inboundMessage));
    }

    @Override
    public Optional<AiReply> answerFor(ConversationId conversationId, MessageId messageId) {
        return database.read(attempt("read the answer to message " + messageId, conversationId),
                sql -> sql.select(AI_RUNS.fields()).from(MESSAGES)
                        .join(AI_RUNS).on(AI_RUNS.ID.eq(MESSAGES.ANSWERED_BY))
                        .where(MESSAGES.CONVERSATION_ID.eq(conversationId.value()),
                                MESSAGES.MESSAGE_ID.eq(messageId.value()), AI_RUNS.OUTCOME.eq(AiRunRows.SENT))
                        .fetchOptionalInto(AI_RUNS)
                        .map(run -> AiRunRows.reply(sql, run)));
    }

    /**
     * The fence. Raising the conversation's highest token is also what locks its row, so two holders' writes
     * cannot interleave; a write whose token is below the highest seen changes nothing.
     */
    private static void admit(DSLContext sql, AiRun run, Instant now) {
        long token = run.fencingToken().value();
        int admitted = sql.update(CONVERSATIONS)
                .set(CONVERSATIONS.MAX_FENCING_TOKEN, token)
                .set(CONVERSATIONS.UPDATED_AT, now)
                .where(CONVERSATIONS.ID.eq(run.conversationId().value()), CONVERSATIONS.MAX_FENCING_TOKEN.le(token))
                .execute();
        if (admitted == 1) {
            return;
        }
        if (!sql.fetchExists(CONVERSATIONS, CONVERSATIONS.ID.eq(run.conversationId().value()))) {
            throw new IllegalArgumentException("conversation " + run.conversationId()
                    + " has no recorded message: record messages before storing a run that answers them");
        }
        throw new Refusal(FencedWrite.Reason.STALE_FENCING_TOKEN);
    }

    private static Map<MessageId, UUID> answered(DSLContext sql, ConversationId conversationId, Set<MessageId> ids) {
        return sql.select(MESSAGES.MESSAGE_ID, MESSAGES.ANSWERED_BY).from(MESSAGES)
                .where(MESSAGES.CONVERSATION_ID.eq(conversationId.value()), MESSAGES.MESSAGE_ID.in(values(ids)),
                        MESSAGES.ANSWERED_BY.isNotNull())
                .fetchMap(row -> MessageId.of(row.value1()), row -> row.value2());
    }

    private FencedWrite fencedWrite(String attempt, Database.Work<FencedWrite> work) {
        try {
            return database.transaction(attempt, work);
        } catch (Refusal refusal) {
            return FencedWrite.refused(refusal.reason);
        }
    }

    private static List<String> values(Collection<MessageId> ids) {
        return ids.stream().map(MessageId::value).collect(Collectors.toList());
    }

    private static String attempt(String what, ConversationId conversationId) {
        return what + " for conversation " + conversationId;
    }

    /** Thrown inside a transaction to roll it back: a refused write must leave no trace, not even a raised fence. */
    private static final class Refusal extends RuntimeException {
        private final FencedWrite.Reason reason;

        Refusal(FencedWrite.Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }
}
