package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Sequences.DELIVERIES_COMMIT_SEQ;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.postgres.AiRunRows.StoredAction;
import chat.orchestrator.postgres.schema.tables.records.AiRunsRecord;
import chat.orchestrator.postgres.schema.tables.records.DeliveriesRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The {@code deliveries} rows (V4): one per sent answer, where its delivery stands. The history queues the row in
 * the answer's fenced transaction; the outbox claims, records and lists it. Both map it here.
 */
final class DeliveryRows {
    static final String PENDING = name(DeliveryState.PENDING);

    /** commit_seq last: it is computed in SQL, not a value, so the values keep the columns' order. */
    private static final RenderedSql QUEUE = RenderedSql.insert(DELIVERIES,
            insert -> insert.set(DELIVERIES.COMMIT_SEQ, DELIVERIES_COMMIT_SEQ.nextval()), DELIVERIES.RUN_ID,
            DELIVERIES.CONVERSATION_ID, DELIVERIES.STATUS, DELIVERIES.NEXT_ATTEMPT_AT, DELIVERIES.QUEUED_AT,
            DELIVERIES.UPDATED_AT);

    private static final RenderedSql RUNS = RenderedSql.of(DSL.selectFrom(AI_RUNS)
            .where(AI_RUNS.ID.eq(DSL.any(DSL.param("ids", UUID[].class)))), "ids");

    private DeliveryRows() {
    }

    static String name(DeliveryState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    static DeliveryState state(String name) {
        return DeliveryState.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /**
     * Queues the answer of a run whose fence was just admitted. commit_seq is taken here, after the fence locked
     * the conversation row: fenced writes of one conversation are serialized by that lock, so a conversation's
     * commit_seq values follow the order in which its answers committed (whatever their finished_at).
     */
    static void queue(DSLContext sql, AiRun run, Instant dispatchFrom, Instant now) {
        QUEUE.execute(sql, run.id().value(), run.conversationId().value(), PENDING, micros(dispatchFrom),
                AiRunRows.answeredAt(run), now);
    }

    /** The claimed rows as their claimer gets them: each answer rebuilt from its stored run and actions. */
    static List<ClaimedDelivery> claimed(DSLContext sql, List<DeliveriesRecord> claims) {
        if (claims.isEmpty()) {
            return List.of();
        }
        List<UUID> runIds = claims.stream().map(DeliveriesRecord::getRunId).toList();
        Map<UUID, AiRunsRecord> runs = RUNS.fetchInto(sql, AI_RUNS, (Object) runIds.toArray(UUID[]::new)).stream()
                .collect(Collectors.toMap(AiRunsRecord::getId, run -> run));
        Map<UUID, List<StoredAction>> actions = AiRunRows.storedActions(sql, runIds);
        return claims.stream().map(claim -> {
            AiRunsRecord run = runs.get(claim.getRunId());
            List<StoredAction> stored = actions.getOrDefault(claim.getRunId(), List.of());
            Set<Integer> done = stored.stream().filter(StoredAction::done).map(StoredAction::index)
                    .collect(Collectors.toSet());
            Delivery delivery = new Delivery(ConversationId.of(run.getConversationId()), new RunId(run.getId()),
                    new FencingToken(run.getFencingToken()),
                    AiRunRows.reply(run, stored.stream().map(StoredAction::action).toList()), run.getFinishedAt(),
                    done, Optional.ofNullable(run.getPageId()).map(PageId::new));
            return new ClaimedDelivery(delivery, claim.getClaimToken().toString(), claim.getClaimedUntil(),
                    claim.getAttempts(), claim.getQueuedAt());
        }).toList();
    }

    static UndeliveredAnswer undelivered(DeliveriesRecord row, List<ActionType> actions) {
        return new UndeliveredAnswer(new RunId(row.getRunId()), ConversationId.of(row.getConversationId()),
                state(row.getStatus()), actions, row.getAttempts(), row.getLastError(), row.getQueuedAt(),
                row.getUpdatedAt());
    }

    /** PostgreSQL keeps microseconds and rounds what it drops; truncating first keeps the instant a caller compares. */
    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
