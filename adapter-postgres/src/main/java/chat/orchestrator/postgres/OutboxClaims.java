package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.postgres.schema.tables.Deliveries;
import chat.orchestrator.postgres.schema.tables.records.DeliveriesRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.ResultQuery;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The outbox claim, in two statements of the caller's transaction (READ COMMITTED). An answer is claimable when it
 * is pending, unclaimed (or its claim ran out), the oldest pending answer of its conversation by commit_seq, and no
 * other answer of its conversation is in flight (holds a live claim).
 * <ol>
 * <li>Lock the candidates, {@code FOR UPDATE SKIP LOCKED}: a row another claimer is claiming right now is skipped,
 * never waited for. A row that another claimer claimed or settled after this statement's snapshot is re-read when
 * locked and PostgreSQL re-checks the row's own conditions (status, claimed_until) on that latest version, so it
 * drops out: two claimers never both get one answer.</li>
 * <li>Claim, with a fresh snapshot (a new statement, taken after the locks), only those of the locked rows that are
 * still claimable: heading the conversation and nothing else of it in flight are re-checked against everything
 * committed before this claimer held the rows.</li>
 * </ol>
 * A conversation's pending answers change in three ways only. recordAnswer appends one whose commit_seq is larger
 * than any other of the conversation (commit_seq is taken under the fence's conversation row lock), so it never
 * comes before a head someone saw. The head's claimer settles it, and {@code record} ends that claim in the same
 * statement, so the next answer can be claimed only once the previous one is out of flight. And an operator's retry
 * re-opens an older answer: {@link #holdClaimsOf} serializes it with the claims of the conversation (see there). So
 * two claimers never hold two answers of one conversation, and the racing contract test holds.
 * <p>
 * Time is the database's: whether a claim ran out, whether an answer is due, and the claim's end are all read from
 * {@link #NOW}, never from the caller, so instances whose clocks disagree still agree on whose a claim is.
 */
final class OutboxClaims {
    private static final Deliveries OTHER = DELIVERIES.as("other");
    /**
     * The database's now: {@code now()}, the start of the transaction, not {@code clock_timestamp()}. It is one
     * instant for every row and both statements of a claim, so step 1 and step 2 judge the same time; and it is never
     * later than the real time, so a transaction that waited (on a lock) only ends the claims it writes sooner and
     * sees others' claims live longer: both on the safe side.
     */
    static final Field<Instant> NOW = DSL.field("now()", DELIVERIES.CLAIMED_UNTIL.getDataType());
    private static final Comparator<DeliveriesRecord> DUE_ORDER = Comparator
            .comparing(DeliveriesRecord::getNextAttemptAt).thenComparing(DeliveriesRecord::getCommitSeq);

    private static final RenderedSql HEAD = RenderedSql.of(
            headQuery(DSL.using(SQLDialect.POSTGRES), DSL.param("conversation", DELIVERIES.CONVERSATION_ID)),
            "conversation");
    /**
     * Step 2 of claimNext: the head, if never tried or due. Found by run id, within the conversation (which the head
     * has): the statement names the one conversation it touches (docs/scaling.md).
     */
    private static final RenderedSql CLAIM_HEAD = RenderedSql.of(DSL.update(DELIVERIES)
                    .set(DELIVERIES.CLAIM_TOKEN, DSL.uuid())
                    .set(DELIVERIES.CLAIMED_UNTIL, until(DSL.param("claim_micros", Long.class)))
                    .where(DELIVERIES.RUN_ID.eq(DSL.param("run_id", DELIVERIES.RUN_ID)),
                            DELIVERIES.CONVERSATION_ID.eq(DSL.param("conversation", DELIVERIES.CONVERSATION_ID)),
                            DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING)),
                            DELIVERIES.ATTEMPTS.eq(DSL.inline(0)).or(DELIVERIES.NEXT_ATTEMPT_AT.le(NOW)),
                            claimable())
                    .returning(),
            "claim_micros", "run_id", "conversation");

    private OutboxClaims() {
    }

    /**
     * Claims up to {@code limit} due heads for {@code claimFor} of the database's time, oldest due first. Heads of
     * conversations handed to people are withheld first ({@link #withhold}); each time some are, the heads are
     * locked anew, so the answer behind a withheld one is judged in its place (each round withholds at least one
     * row, so it ends).
     */
    static List<DeliveriesRecord> claimDue(DSLContext sql, Duration claimFor, int limit) {
        Condition due = DELIVERIES.NEXT_ATTEMPT_AT.le(NOW);
        List<UUID> locked;
        do {
            locked = dueHeadsQuery(sql, limit).fetch(DELIVERIES.RUN_ID);
            if (locked.isEmpty()) {
                return List.of();
            }
        } while (withhold(sql, DELIVERIES.RUN_ID.in(locked), due) > 0);
        return claim(sql, locked, due, claimFor).stream().sorted(DUE_ORDER).toList();
    }

    /**
     * The holder's claim: the conversation's oldest pending answer, if it is claimable and either never tried or
     * due. The lock skips a head someone else is claiming; the row after it then fails the head check in step 2.
     * A head withheld (its conversation is with people) makes way for the next, judged the same way.
     */
    static Optional<DeliveriesRecord> claimNext(DSLContext sql, String conversation, Duration claimFor) {
        Condition ready = DELIVERIES.ATTEMPTS.eq(DSL.inline(0)).or(DELIVERIES.NEXT_ATTEMPT_AT.le(NOW));
        while (true) {
            Optional<UUID> head = HEAD.fetch(sql, row -> row.getObject(1, UUID.class), conversation).stream()
                    .findFirst();
            if (head.isEmpty()) {
                return Optional.empty();
            }
            Condition theHead = DELIVERIES.RUN_ID.eq(head.get()).and(DELIVERIES.CONVERSATION_ID.eq(conversation));
            if (withhold(sql, theHead, ready) == 0) {
                return CLAIM_HEAD.fetchInto(sql, DELIVERIES, micros(claimFor), head.get(), conversation).stream()
                        .findFirst();
            }
        }
    }

    /**
     * Between locking and claiming, in the claim's transaction: those of the locked rows that would be claimed
     * ({@code ready}, still heading their conversation and unclaimed, by a fresh snapshot as step 2) but are bot answers
     * of a conversation handed to people become withheld (OutboxPort#claimDue): the conversation row has a hand-off,
     * whatever its idle time, and the answer has no transfer_to_agent action (the AI's transfer notice goes out). A
     * hand-off committed after this statement is not seen: an answer claimed just before it goes out, as it would
     * had it been a moment faster. Returns how many rows were withheld. {@code locked} picks the locked rows: claimDue's
     * by run id, across conversations; claimNext's head by run id within its conversation, so that every table of the
     * statement is pinned to it, the action check joined on the conversation too (docs/scaling.md).
     */
    private static int withhold(DSLContext sql, Condition locked, Condition ready) {
        return sql.update(DELIVERIES)
                .set(DELIVERIES.STATUS, DSL.inline(DeliveryRows.name(DeliveryState.WITHHELD)))
                .set(DELIVERIES.CLAIM_TOKEN, (UUID) null)
                .set(DELIVERIES.CLAIMED_UNTIL, (Instant) null)
                .set(DELIVERIES.UPDATED_AT, NOW)
                .set(DELIVERIES.SETTLED_AT, NOW)
                .where(locked, DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING)), ready, claimable())
                .andExists(DSL.selectOne().from(CONVERSATIONS).where(CONVERSATIONS.ID.eq(DELIVERIES.CONVERSATION_ID),
                        CONVERSATIONS.HANDOFF_SINCE.isNotNull()))
                .andNotExists(DSL.selectOne().from(MESSAGE_ACTIONS).where(MESSAGE_ACTIONS.RUN_ID.eq(DELIVERIES.RUN_ID),
                        MESSAGE_ACTIONS.CONVERSATION_ID.eq(DELIVERIES.CONVERSATION_ID),
                        MESSAGE_ACTIONS.ACTION_TYPE.eq(DSL.inline(ActionType.TRANSFER_TO_AGENT.wireName()))))
                .execute();
    }

    /** The database's now plus {@code claimMicros}: where a claim made or renewed now ends. */
    static Field<Instant> until(Field<Long> claimMicros) {
        return DSL.field("{0} + {1} * interval '1 microsecond'", DELIVERIES.CLAIMED_UNTIL.getDataType(), NOW,
                claimMicros);
    }

    /** A claim's length in whole microseconds, the precision PostgreSQL keeps; at least one. */
    static long micros(Duration claimFor) {
        if (claimFor.isNegative() || claimFor.isZero()) {
            throw new IllegalArgumentException("claimFor must be positive, got " + claimFor);
        }
        return Math.max(1, claimFor.toNanos() / 1_000);
    }

    /** Step 1 of claimNext, read from deliveries_conversation_pending_idx: the first entry of the conversation. */
    static ResultQuery<Record1<UUID>> headQuery(DSLContext sql, String conversation) {
        return headQuery(sql, DSL.val(conversation));
    }

    private static ResultQuery<Record1<UUID>> headQuery(DSLContext sql, Field<String> conversation) {
        return sql.select(DELIVERIES.RUN_ID).from(DELIVERIES)
                .where(DELIVERIES.CONVERSATION_ID.eq(conversation), DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING)))
                .orderBy(DELIVERIES.COMMIT_SEQ)
                .limit(DSL.inline(1))
                .forUpdate()
                .skipLocked();
    }

    /**
     * Step 1 of claimDue. Served by deliveries_due_idx (pending rows by next_attempt_at), the head checks by
     * deliveries_conversation_pending_idx; both partial, so they hold only the work still to do. The status is
     * inlined, not bound: PostgreSQL uses a partial index only when it can prove the query implies the index's
     * predicate, which a generic plan of a bound parameter cannot.
     */
    static ResultQuery<Record1<UUID>> dueHeadsQuery(DSLContext sql, int limit) {
        return sql.select(DELIVERIES.RUN_ID).from(DELIVERIES)
                .where(DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING)), DELIVERIES.NEXT_ATTEMPT_AT.le(NOW),
                        claimable())
                .orderBy(DELIVERIES.NEXT_ATTEMPT_AT, DELIVERIES.COMMIT_SEQ)
                .limit(limit)
                .forUpdate()
                .skipLocked();
    }

    /**
     * An operator's retry re-opens an older answer of the conversation, ahead of its pending ones. Before it does,
     * this takes the conversation row (so no answer is being stored meanwhile) and then locks every pending answer
     * of the conversation. A claimer that locked one of them first commits its claim before the retry can go on,
     * so whoever claims the re-opened answer sees that claim in flight and waits for it. A claimer that locks one
     * after the retry committed sees the re-opened answer pending, older, in step 2's fresh snapshot, and backs off.
     */
    static void holdClaimsOf(DSLContext sql, String conversation) {
        sql.select(CONVERSATIONS.ID).from(CONVERSATIONS).where(CONVERSATIONS.ID.eq(conversation))
                .forNoKeyUpdate()
                .execute();
        sql.select(DELIVERIES.RUN_ID).from(DELIVERIES)
                .where(DELIVERIES.CONVERSATION_ID.eq(conversation), DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING)))
                .forUpdate()
                .execute();
    }

    /** Step 2: a new random token per claimed row, and the claim's end. */
    private static List<DeliveriesRecord> claim(DSLContext sql, List<UUID> locked, Condition ready, Duration claimFor) {
        return sql.update(DELIVERIES)
                .set(DELIVERIES.CLAIM_TOKEN, DSL.uuid())
                .set(DELIVERIES.CLAIMED_UNTIL, until(DSL.val(micros(claimFor))))
                .where(DELIVERIES.RUN_ID.in(locked), DELIVERIES.STATUS.eq(DSL.inline(DeliveryRows.PENDING)), ready,
                        claimable())
                .returning()
                .fetch();
    }

    /**
     * Not claimed by anyone else, and no other pending answer of its conversation ahead of it (heading it) or in
     * flight (only after an operator's retry can an answer other than the head hold a live claim). One probe of
     * deliveries_conversation_pending_idx per candidate: the conversation's pending answers, in commit order.
     */
    private static Condition claimable() {
        return DELIVERIES.CLAIMED_UNTIL.isNull().or(DELIVERIES.CLAIMED_UNTIL.le(NOW))
                .andNotExists(DSL.selectOne().from(OTHER)
                        .where(OTHER.CONVERSATION_ID.eq(DELIVERIES.CONVERSATION_ID),
                                OTHER.STATUS.eq(DSL.inline(DeliveryRows.PENDING)),
                                OTHER.RUN_ID.ne(DELIVERIES.RUN_ID),
                                OTHER.COMMIT_SEQ.lt(DELIVERIES.COMMIT_SEQ).or(OTHER.CLAIMED_UNTIL.gt(NOW))));
    }
}
