package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.RecordOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.impl.DSL;

/**
 * {@link HistoryPort} on PostgreSQL: each method is one transaction. Writes of a holder are fenced on the
 * conversation row: {@code UPDATE conversations SET max_fencing_token = t WHERE id = c AND max_fencing_token <= t}
 * both checks the token and takes the row lock, so fenced writes of one conversation run one after another and
 * see each other's commits. A stored answer is queued for delivery in the same transaction (its {@code deliveries}
 * row, which {@link PostgresOutbox} claims). Dedup rests on the unique (conversation, message id) constraint, so it
 * survives restarts and races between instances.
 */
public final class PostgresHistory implements HistoryPort {
    /**
     * A message and its conversation's figures in one statement, so recording one costs one round trip and no
     * transaction of its own: the message goes in unless its id is already there, and only a message that went in
     * creates the conversation or counts in it. Messages arrive out of order, so the latest is the one with the
     * highest timestamp, not the last recorded. The message's foreign key is checked at the end of the statement,
     * after its conversation's row is there.
     */
    private static final RenderedSql RECORD_MESSAGE = recordMessage();

    private static RenderedSql recordMessage() {
        Name inserted = DSL.name("inserted");
        Field<Instant> sentAt = DSL.field(DSL.name("inserted", MESSAGES.SENT_AT.getName()), MESSAGES.SENT_AT.getType());
        Field<Instant> recordedAt = DSL.param("created_at", MESSAGES.CREATED_AT);
        var conversation = CONVERSATIONS.as("c");
        var excluded = DSL.excluded(CONVERSATIONS.LAST_MESSAGE_TIMESTAMP);
        return RenderedSql.of(DSL.with(inserted).as(DSL.insertInto(MESSAGES)
                                .set(MESSAGES.ID, DSL.param("id", MESSAGES.ID))
                                .set(MESSAGES.CONVERSATION_ID, DSL.param("conversation_id", MESSAGES.CONVERSATION_ID))
                                .set(MESSAGES.MESSAGE_ID, DSL.param("message_id", MESSAGES.MESSAGE_ID))
                                .set(MESSAGES.CONTENT, DSL.param("content", MESSAGES.CONTENT))
                                .set(MESSAGES.SENDER_ID, DSL.param("sender_id", MESSAGES.SENDER_ID))
                                .set(MESSAGES.SENDER_TYPE, DSL.param("sender_type", MESSAGES.SENDER_TYPE))
                                .set(MESSAGES.SENT_AT, DSL.param("sent_at", MESSAGES.SENT_AT))
                                .set(MESSAGES.METADATA, DSL.param("metadata", MESSAGES.METADATA))
                                .set(MESSAGES.CREATED_AT, recordedAt)
                                .onConflict(MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID).doNothing()
                                .returning(MESSAGES.CONVERSATION_ID, MESSAGES.MESSAGE_ID, MESSAGES.SENT_AT,
                                        MESSAGES.CREATED_AT))
                        .insertInto(conversation, conversation.ID, conversation.LAST_MESSAGE_ID,
                                conversation.LAST_MESSAGE_TIMESTAMP, conversation.TOTAL_MESSAGES, conversation.CREATED_AT,
                                conversation.UPDATED_AT)
                        .select(DSL.select(
                                        DSL.field(DSL.name("inserted", MESSAGES.CONVERSATION_ID.getName()), String.class),
                                        DSL.field(DSL.name("inserted", MESSAGES.MESSAGE_ID.getName()), String.class),
                                        sentAt, DSL.inline(1L),
                                        DSL.field(DSL.name("inserted", MESSAGES.CREATED_AT.getName()), Instant.class),
                                        DSL.field(DSL.name("inserted", MESSAGES.CREATED_AT.getName()), Instant.class))
                                .from(DSL.table(inserted)))
                        .onConflict(conversation.ID).doUpdate()
                        .set(conversation.TOTAL_MESSAGES, conversation.TOTAL_MESSAGES.plus(DSL.inline(1L)))
                        .set(conversation.LAST_MESSAGE_ID, DSL.when(conversation.LAST_MESSAGE_TIMESTAMP.le(excluded),
                                        DSL.excluded(CONVERSATIONS.LAST_MESSAGE_ID))
                                .otherwise(conversation.LAST_MESSAGE_ID))
                        .set(conversation.LAST_MESSAGE_TIMESTAMP,
                                DSL.greatest(conversation.LAST_MESSAGE_TIMESTAMP, excluded))
                        .set(conversation.UPDATED_AT, DSL.excluded(CONVERSATIONS.UPDATED_AT)),
                "id", "conversation_id", "message_id", "content", "sender_id", "sender_type", "sent_at", "metadata",
                "created_at");
    }

    private static final RenderedSql RAISE_FENCE = RenderedSql.of(DSL.update(CONVERSATIONS)
                    .set(CONVERSATIONS.MAX_FENCING_TOKEN, DSL.param("token", CONVERSATIONS.MAX_FENCING_TOKEN))
                    .set(CONVERSATIONS.UPDATED_AT, DSL.param("updated_at", CONVERSATIONS.UPDATED_AT))
                    .where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID)),
                            CONVERSATIONS.MAX_FENCING_TOKEN.le(DSL.param("at_least", CONVERSATIONS.MAX_FENCING_TOKEN))),
            "token", "updated_at", "id", "at_least");
    private static final RenderedSql ANSWERED = RenderedSql.of(DSL.select(MESSAGES.MESSAGE_ID, MESSAGES.ANSWERED_BY)
                    .from(MESSAGES)
                    .where(MESSAGES.CONVERSATION_ID.eq(DSL.param("conversation_id", MESSAGES.CONVERSATION_ID)),
                            MESSAGES.MESSAGE_ID.eq(DSL.any(DSL.param("message_ids", String[].class))),
                            MESSAGES.ANSWERED_BY.isNotNull()),
            "conversation_id", "message_ids");
    private static final RenderedSql MARK_ANSWERED = RenderedSql.of(DSL.update(MESSAGES)
                    .set(MESSAGES.ANSWERED_BY, DSL.param("run_id", MESSAGES.ANSWERED_BY))
                    .where(MESSAGES.CONVERSATION_ID.eq(DSL.param("conversation_id", MESSAGES.CONVERSATION_ID)),
                            MESSAGES.MESSAGE_ID.eq(DSL.any(DSL.param("message_ids", String[].class))),
                            MESSAGES.ANSWERED_BY.isNull()),
            "run_id", "conversation_id", "message_ids");

    private final Database database;
    private final Clock clock;

    public PostgresHistory(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** @param clock stamps the bookkeeping columns (created, updated) */
    public PostgresHistory(DataSource dataSource, Clock clock) {
        this.database = new Database(Objects.requireNonNull(dataSource, "dataSource"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RecordOutcome record(InboundMessage message) {
        String conversation = message.conversationId().value();
        String attempt = attempt("record message " + message.id(), message.conversationId());
        // A racing insert of the same message waits for the other transaction, then does nothing: the constraint
        // decides which caller sees NEW, without an exception.
        int inserted = database.statement(attempt, sql -> RECORD_MESSAGE.execute(sql, UUID.randomUUID(), conversation,
                message.id().value(), message.content(), message.senderId(), message.senderType().wireName(),
                message.timestamp(), Json.of(message.metadata()), clock.instant()));
        if (inserted == 1) {
            return RecordOutcome.NEW;
        }
        return database.read(attempt, sql -> sql.select(MESSAGES.ANSWERED_BY).from(MESSAGES)
                .where(MESSAGES.CONVERSATION_ID.eq(conversation), MESSAGES.MESSAGE_ID.eq(message.id().value()))
                .fetchOptional(MESSAGES.ANSWERED_BY)
                .map(answeredBy -> RecordOutcome.ANSWERED)
                .orElse(RecordOutcome.UNANSWERED));
    }

    /**
     * Turns come run by run in commit order, as the AI and the customer saw them: each burst in timestamp order, then
     * the answer sent to it; see {@link RecentTurnsQuery}.
     */
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

    /**
     * The fence alone, at lease start: the same conditional update the writes begin with, committed on its own. A
     * conversation with no row has no message recorded, so nothing a paused holder could write: committed.
     */
    @Override
    public FenceRaised raiseFence(ConversationId conversationId, FencingToken token, int unansweredLimit) {
        List<InboundMessage> unanswered = new ArrayList<>();
        FencedWrite write = fencedWrite(attempt("raise the fence to " + token.value(), conversationId), sql -> {
            if (raise(sql, conversationId, token.value(), clock.instant()) == 0) {
                highestToken(sql, conversationId).ifPresent(highest -> {
                    throw Refusal.stale(highest);
                });
            }
            // After the raise, in its transaction: a statement of its own, so its snapshot is taken once the row lock
            // is ours and holds everything committed before it (one statement's snapshot would predate the lock).
            if (unansweredLimit > 0) {
                unanswered.addAll(RecoveryQueries.unansweredQuery(sql, conversationId, unansweredLimit)
                        .fetch(RecoveryQueries::inboundMessage));
            }
            return FencedWrite.committed();
        });
        return new FenceRaised(write, write instanceof FencedWrite.Committed ? unanswered : List.of());
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

    /**
     * Fence, consume, queue: the run, its messages marked answered, its actions, and its deliveries row (pending,
     * due for the dispatchers from {@code dispatchFrom}, commit_seq taken under the fence's lock), in one transaction.
     */
    @Override
    public FencedWrite recordAnswer(AiRun run, Instant dispatchFrom) {
        Objects.requireNonNull(dispatchFrom, "dispatchFrom");
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
                throw Refusal.alreadyAnswered();
            }
            AiRunRows.insertRun(sql, run, AiRunRows.SENT, now);
            int marked = MARK_ANSWERED.execute(sql, run.id().value(), run.conversationId().value(), values(consumed));
            if (marked != consumed.size()) {
                throw new IllegalArgumentException("run " + run.id() + " of conversation " + run.conversationId()
                        + " answers messages that were never recorded: record every message before answering it");
            }
            AiRunRows.insertActions(sql, run, now);
            DeliveryRows.queue(sql, run, dispatchFrom, now);
            run.handoff().ifPresent(handoff -> HandoffRows.set(sql, run.conversationId(), Optional.of(handoff)));
            return FencedWrite.committed();
        });
    }

    /**
     * Fence, then the hand-off's idle clock moves (refused if there is no hand-off any more) and a run of outcome
     * {@code handed_off} consumes the burst.
     */
    @Override
    public FencedWrite recordHandedOff(ConversationId conversationId, FencingToken token, Set<MessageId> ids,
                                       Instant at) {
        return fencedWrite(attempt("store a burst handed off to people", conversationId), sql -> {
            Instant now = clock.instant();
            admit(sql, conversationId, token, now);
            if (!answered(sql, conversationId, ids).isEmpty()) {
                throw Refusal.alreadyAnswered();
            }
            // Under the fence's row lock: a resume that committed first is seen, one that comes later waits for us.
            Instant since = HandoffRows.touch(sql, conversationId, at).orElseThrow(Refusal::notHandedOff);
            UUID run = UUID.randomUUID();
            HandoffRows.insertRun(sql, run, conversationId, ids, token, at, since, now);
            if (MARK_ANSWERED.execute(sql, run, conversationId.value(), values(ids)) != ids.size()) {
                throw new IllegalArgumentException("conversation " + conversationId
                        + ": record every message before storing it as handed off");
            }
            return FencedWrite.committed();
        });
    }

    @Override
    public Optional<Handoff> handoff(ConversationId conversationId) {
        return Optional.ofNullable(handoffs(Set.of(conversationId)).get(conversationId));
    }

    @Override
    public Map<ConversationId, Handoff> handoffs(Set<ConversationId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return database.read("read the hand-offs of " + ids.size() + " conversation(s)",
                sql -> HandoffRows.read(sql, ids));
    }

    @Override
    public boolean handOff(ConversationId conversationId, Handoff handoff) {
        return database.transaction(attempt("hand off", conversationId),
                sql -> HandoffRows.set(sql, conversationId, Optional.of(handoff)));
    }

    @Override
    public boolean resume(ConversationId conversationId) {
        return database.transaction(attempt("resume", conversationId),
                sql -> HandoffRows.set(sql, conversationId, Optional.empty()));
    }

    /** Conversation ids in byte order after {@code after}; see {@link RecoveryQueries#conversationsQuery}. */
    @Override
    public List<ConversationId> conversationsWithUnanswered(Instant recordedBefore, Optional<ConversationId> after,
                                                           int limit) {
        Objects.requireNonNull(recordedBefore, "recordedBefore");
        Objects.requireNonNull(after, "after");
        requirePositive(limit);
        return database.read("list conversations with messages unanswered since before " + recordedBefore,
                sql -> RecoveryQueries.conversationsQuery(sql, recordedBefore, after, limit)
                        .fetch(row -> ConversationId.of(row.value1())));
    }

    /** Timestamp order; messages with the same timestamp by message id, so every call lists them alike. */
    @Override
    public List<InboundMessage> unanswered(ConversationId conversationId, int limit) {
        requirePositive(limit);
        return database.read(attempt("list unanswered messages", conversationId),
                sql -> RecoveryQueries.unansweredQuery(sql, conversationId, limit)
                        .fetch(RecoveryQueries::inboundMessage));
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
        admit(sql, run.conversationId(), run.fencingToken(), now);
    }

    private static void admit(DSLContext sql, ConversationId conversationId, FencingToken token, Instant now) {
        if (raise(sql, conversationId, token.value(), now) == 1) {
            return;
        }
        long highest = highestToken(sql, conversationId).orElseThrow(() -> new IllegalArgumentException(
                "conversation " + conversationId
                        + " has no recorded message: record messages before storing a run that answers them"));
        throw Refusal.stale(highest);
    }

    private static int raise(DSLContext sql, ConversationId conversationId, long token, Instant now) {
        return RAISE_FENCE.execute(sql, token, now, conversationId.value(), token);
    }

    /** Read after a refused raise, in the same transaction: the newer token that refused it, committed by now. */
    private static Optional<Long> highestToken(DSLContext sql, ConversationId conversationId) {
        return sql.select(CONVERSATIONS.MAX_FENCING_TOKEN).from(CONVERSATIONS)
                .where(CONVERSATIONS.ID.eq(conversationId.value()))
                .fetchOptional(CONVERSATIONS.MAX_FENCING_TOKEN);
    }

    private static Map<MessageId, UUID> answered(DSLContext sql, ConversationId conversationId, Set<MessageId> ids) {
        return ANSWERED.fetch(sql, row -> Map.entry(MessageId.of(row.getString(1)), row.getObject(2, UUID.class)),
                        conversationId.value(), values(ids))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private FencedWrite fencedWrite(String attempt, Database.Work<FencedWrite> work) {
        try {
            return database.transaction(attempt, work);
        } catch (Refusal refusal) {
            return refusal.outcome;
        }
    }

    private static String[] values(Collection<MessageId> ids) {
        return ids.stream().map(MessageId::value).toArray(String[]::new);
    }

    private static String attempt(String what, ConversationId conversationId) {
        return what + " for conversation " + conversationId;
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }

    /** Thrown inside a transaction to roll it back: a refused write must leave no trace, not even a raised fence. */
    private static final class Refusal extends RuntimeException {
        private final FencedWrite outcome;

        private Refusal(FencedWrite outcome) {
            super(outcome.toString(), null, false, false);
            this.outcome = outcome;
        }

        static Refusal stale(long highestSeen) {
            return new Refusal(FencedWrite.stale(highestSeen));
        }

        static Refusal alreadyAnswered() {
            return new Refusal(FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED));
        }

        static Refusal notHandedOff() {
            return new Refusal(FencedWrite.refused(FencedWrite.Reason.NOT_HANDED_OFF));
        }
    }
}
