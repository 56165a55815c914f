package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.RecordOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
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
import org.jooq.JSONB;
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

    /**
     * The fence at the start of a pass and everything the pass reads, sent as one script: one round trip, one
     * implicit transaction. The raise comes first and waits for the conversation row's lock; each read after it is a
     * statement of its own, whose snapshot is taken once that lock is ours, so it holds everything committed before
     * the fence (one statement with the update in a CTE would read a snapshot taken before it waited for the lock).
     * The reads run whether or not the fence rose; a refused fence's are dropped. Results: the raise's count, the
     * conversation's highest token and hand-off, its unanswered messages, the batch's answered ones, its recent
     * turns (newest first).
     */
    private static final SqlScript FENCE_AND_READS = SqlScript.of(RAISE_FENCE,
            """
            select max_fencing_token, handoff_since, handoff_by, handoff_reason, handoff_activity_at
              from conversations where id = :id
            """,
            """
            select conversation_id, message_id, content, sender_id, sender_type, sent_at, metadata::text
              from messages where conversation_id = :id and answered_by is null
             order by sent_at, message_id limit :unanswered_limit
            """,
            ANSWERED, RecentTurnsQuery.LAST_TURNS);

    /**
     * An answer's fenced commit in one round trip, two statements in one implicit transaction. The first takes the
     * conversation row's lock (the lock the fence's update takes); the second, whose snapshot is therefore taken
     * once the lock is ours, decides and writes: the fence admits the run only if its token is at least the highest,
     * all its messages are recorded and none is answered (read after the lock: an answer committed while this one
     * waited is seen), and every write hangs off that admission, so a refused run writes nothing. One statement
     * could not keep this: its snapshot would predate the lock, and it would miss an answer committed meanwhile.
     * The deliveries row is claimed at once for its holder (claim_token, claimed_until by the database's clock)
     * when asked, nothing else of the conversation is pending, and it would not be withheld (no stored hand-off
     * after this write, or the answer itself transfers): the case where claimNext would claim it right after.
     * The last select reports: admitted, the highest token, how many of the messages this run or any run answered,
     * how many are recorded, the claim. Its subqueries read the statement's snapshot: the rows before this write.
     */
    private static final SqlScript COMMIT_ANSWER = SqlScript.of(
            """
            select id from conversations where id = :conversation for no key update
            """,
            """
            with admitted as (
                update conversations
                   set max_fencing_token = :token, updated_at = :now,
                       handoff_since = case when :hands_off then cast(:handoff_since as timestamptz) else handoff_since end,
                       handoff_by = case when :hands_off then cast(:handoff_by as varchar) else handoff_by end,
                       handoff_reason = case when :hands_off then cast(:handoff_reason as varchar) else handoff_reason end,
                       handoff_activity_at = case when :hands_off then cast(:handoff_activity_at as timestamptz)
                                                  else handoff_activity_at end
                 where id = :conversation and max_fencing_token <= :token
                   and not exists (select 1 from messages where conversation_id = :conversation
                                      and message_id = any(:ids) and answered_by is not null)
                   and (select count(*) from messages where conversation_id = :conversation
                           and message_id = any(:ids)) = :consumed
                returning handoff_since),
            run as (
                insert into ai_runs (id, conversation_id, message_ids, response_text, intent, confidence, entities,
                                     model, processing_time_ms, fencing_token, outcome, finished_at, page_id, created_at)
                select :run, :conversation, :message_ids, :text, :intent, :confidence, cast(:entities as jsonb),
                       :model, :processing_ms, :token, 'sent', :finished_at, cast(:page as varchar), :now
                  from admitted
                returning id),
            marked as (
                update messages set answered_by = run.id from run
                 where conversation_id = :conversation and message_id = any(:ids) and answered_by is null
                returning 1),
            actions as (
                insert into message_actions (id, run_id, conversation_id, action_index, action_type, payload, status,
                                             idempotency_key, created_at, updated_at)
                select gen_random_uuid(), run.id, :conversation, action.ordinality - 1, action.type,
                       cast(action.payload as jsonb), 'pending', :key, :now, :now
                  from run, unnest(cast(:action_types as varchar[]), cast(:action_payloads as varchar[]))
                       with ordinality as action(type, payload, ordinality)
                returning 1),
            delivery as (
                insert into deliveries (run_id, conversation_id, status, next_attempt_at, queued_at, updated_at,
                                        commit_seq, claim_token, claimed_until)
                select run.id, :conversation, 'pending', :dispatch_from, :finished_at, :now,
                       nextval('deliveries_commit_seq'),
                       case when holder.claims then gen_random_uuid() end,
                       case when holder.claims then now() + :claim_micros * interval '1 microsecond' end
                  from run, admitted,
                       lateral (select :claim and (:transfers or admitted.handoff_since is null)
                                   and not exists (select 1 from deliveries pending
                                                    where pending.conversation_id = :conversation
                                                      and pending.status = 'pending') as claims) holder
                returning claim_token, claimed_until)
            select (select count(*) from admitted),
                   (select max_fencing_token from conversations where id = :conversation),
                   (select count(*) from messages where conversation_id = :conversation and message_id = any(:ids)
                       and answered_by = :run),
                   (select count(*) from messages where conversation_id = :conversation and message_id = any(:ids)
                       and answered_by is not null),
                   (select count(*) from messages where conversation_id = :conversation and message_id = any(:ids)),
                   (select claim_token from delivery),
                   (select claimed_until from delivery)
            """);

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
     * The fence and the pass's reads in one round trip ({@link #FENCE_AND_READS}). A conversation with no row has no
     * message recorded, so nothing a paused holder could write: committed, and nothing to read.
     */
    @Override
    public FenceRaised raiseFence(ConversationId conversationId, FencingToken token, FenceRaised.Reads reads) {
        Map<String, Object> values = new HashMap<>();
        values.put("token", token.value());
        values.put("updated_at", clock.instant());
        values.put("id", conversationId.value());
        values.put("at_least", token.value());
        values.put("unanswered_limit", reads.unansweredLimit());
        values.put("conversation_id", conversationId.value());
        values.put("message_ids", values(reads.batch()));
        values.put("conversation", conversationId.value());
        values.put("same_conversation", conversationId.value());
        values.put("actions_conversation", conversationId.value());
        values.put("limit", reads.recentTurns());
        return database.statement(attempt("raise the fence to " + token.value(), conversationId),
                sql -> FENCE_AND_READS.run(sql, values, results -> {
                    List<Object[]> row = results.get(1).rows();
                    if (row.isEmpty()) {
                        return new FenceRaised(FencedWrite.committed(), List.of());
                    }
                    if (results.get(0).updateCount() == 0) {
                        return FenceRaised.refused(
                                (FencedWrite.Refused) FencedWrite.stale(((Number) row.getFirst()[0]).longValue()));
                    }
                    Object[] conversation = row.getFirst();
                    Optional<Handoff> handoff = conversation[1] == null ? Optional.empty()
                            : Optional.of(new Handoff((Instant) conversation[1],
                                    Handoff.By.fromWireName((String) conversation[2]), (String) conversation[3],
                                    (Instant) conversation[4]));
                    List<InboundMessage> unanswered = results.get(2).rows().stream().map(m -> new InboundMessage(
                            MessageId.of((String) m[1]), ConversationId.of((String) m[0]), (String) m[2],
                            (String) m[3], SenderType.parse((String) m[4]), (Instant) m[5],
                            Json.stringMap(JSONB.valueOf((String) m[6])))).toList();
                    Set<MessageId> answered = results.get(3).rows().stream().map(m -> MessageId.of((String) m[0]))
                            .collect(Collectors.toSet());
                    return new FenceRaised(FencedWrite.committed(), unanswered, answered, handoff,
                            RecentTurnsQuery.turns(results.get(4).rows()));
                }));
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
     * Fence, consume, queue, and perhaps claim, in one round trip ({@link #COMMIT_ANSWER}): the run, its messages
     * marked answered, its actions, its deliveries row (pending, due for the dispatchers from {@code dispatchFrom},
     * commit_seq taken under the fence's lock) and the hand-off a transfer starts; the row is written already
     * claimed for its holder when {@code holderClaim} is present, nothing older of the conversation is pending and
     * the claim would not withhold it. A refusal writes nothing, not even the fence.
     */
    @Override
    public CommittedAnswer commitAnswer(AiRun run, Instant dispatchFrom, Optional<Duration> holderClaim) {
        Objects.requireNonNull(dispatchFrom, "dispatchFrom");
        Objects.requireNonNull(holderClaim, "holderClaim");
        holderClaim.ifPresent(OutboxClaims::micros);
        Instant now = clock.instant();
        AiReply reply = run.reply();
        String[] consumed = run.messageIds().stream().map(MessageId::value).distinct().toArray(String[]::new);
        List<Action> actions = reply.actions();
        Optional<Handoff> handoff = run.handoff();
        Map<String, Object> values = new HashMap<>();
        values.put("conversation", run.conversationId().value());
        values.put("token", run.fencingToken().value());
        values.put("now", now);
        values.put("ids", consumed);
        values.put("consumed", consumed.length);
        values.put("hands_off", handoff.isPresent());
        values.put("handoff_since", handoff.map(h -> DeliveryRows.micros(h.since())).orElse(null));
        values.put("handoff_by", handoff.map(h -> h.by().wireName()).orElse(null));
        values.put("handoff_reason", handoff.map(Handoff::reason).orElse(null));
        values.put("handoff_activity_at", handoff.map(Handoff::lastActivity).orElse(null));
        values.put("run", run.id().value());
        values.put("message_ids", run.messageIds().stream().map(MessageId::value).toArray(String[]::new));
        values.put("text", reply.text());
        values.put("intent", reply.intent());
        values.put("confidence", reply.confidence());
        values.put("entities", Json.of(reply.entities()).data());
        values.put("model", reply.model());
        values.put("processing_ms", reply.processingTime().toMillis());
        values.put("finished_at", AiRunRows.answeredAt(run));
        values.put("page", run.pageId().map(PageId::value).orElse(null));
        values.put("action_types", actions.stream().map(a -> a.type().wireName()).toArray(String[]::new));
        values.put("action_payloads", actions.stream().map(a -> Json.of(a.data()).data()).toArray(String[]::new));
        values.put("key", run.id().toString());
        values.put("dispatch_from", DeliveryRows.micros(dispatchFrom));
        values.put("claim", holderClaim.isPresent());
        values.put("transfers", handoff.isPresent());
        values.put("claim_micros", holderClaim.map(OutboxClaims::micros).orElse(1L));
        return database.statement(attempt("record answer run " + run.id(), run.conversationId()),
                sql -> COMMIT_ANSWER.run(sql, values, results -> {
                    Object[] outcome = results.get(1).rows().getFirst();
                    long admitted = ((Number) outcome[0]).longValue();
                    if (admitted == 1) {
                        return new CommittedAnswer(FencedWrite.committed(), outcome[5] == null ? Optional.empty()
                                : Optional.of(claimed(run, (UUID) outcome[5], (Instant) outcome[6])));
                    }
                    if (outcome[1] == null) {
                        throw new IllegalArgumentException("conversation " + run.conversationId()
                                + " has no recorded message: record messages before storing a run that answers them");
                    }
                    long highest = ((Number) outcome[1]).longValue();
                    if (highest > run.fencingToken().value()) {
                        return new CommittedAnswer(FencedWrite.stale(highest), Optional.empty());
                    }
                    if (((Number) outcome[4]).longValue() != consumed.length) {
                        throw new IllegalArgumentException("run " + run.id() + " of conversation "
                                + run.conversationId() + " answers messages that were never recorded: record every "
                                + "message before answering it");
                    }
                    if (((Number) outcome[2]).longValue() == consumed.length) {
                        // The same run again (a retry after a lost commit acknowledgement) is already durable.
                        return new CommittedAnswer(FencedWrite.committed(), Optional.empty());
                    }
                    if (((Number) outcome[3]).longValue() > 0) {
                        return new CommittedAnswer(FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED),
                                Optional.empty());
                    }
                    throw new IllegalStateException("answer run " + run.id() + " neither stored nor refused");
                }));
    }

    /**
     * The holder's claim on the answer it has just stored, built from the run instead of read back: what a claim
     * rebuilds from the rows (the reply as stored, processing time in whole milliseconds; answered and queued at the
     * run's finish, to the microsecond; nothing delivered, no attempts).
     */
    private static ClaimedDelivery claimed(AiRun run, UUID token, Instant claimedUntil) {
        AiReply reply = run.reply();
        AiReply stored = new AiReply(reply.text(), reply.intent(), reply.confidence(), reply.entities(), reply.model(),
                Duration.ofMillis(reply.processingTime().toMillis()), reply.actions());
        Delivery delivery = new Delivery(run.conversationId(), run.id(), run.fencingToken(), stored,
                AiRunRows.answeredAt(run), Set.of(), run.pageId());
        return new ClaimedDelivery(delivery, token.toString(), claimedUntil, 0, AiRunRows.answeredAt(run));
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

    /**
     * The run is joined on the conversation as well as on the message's answered_by (a run consumes messages of its own
     * conversation only), and its actions are read within the conversation: the same rows, from statements that say
     * which conversation they read (docs/scaling.md).
     */
    @Override
    public Optional<AiReply> answerFor(ConversationId conversationId, MessageId messageId) {
        return database.read(attempt("read the answer to message " + messageId, conversationId),
                sql -> sql.select(AI_RUNS.fields()).from(MESSAGES)
                        .join(AI_RUNS).on(AI_RUNS.ID.eq(MESSAGES.ANSWERED_BY),
                                AI_RUNS.CONVERSATION_ID.eq(MESSAGES.CONVERSATION_ID))
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
