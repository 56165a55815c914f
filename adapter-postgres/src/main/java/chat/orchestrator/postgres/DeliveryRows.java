package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.PageId;
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

    /** The runs of claimDue's claims, of any conversations: the dispatcher's round spans them (docs/scaling.md). */
    private static final RenderedSql RUNS = RenderedSql.of(DSL.selectFrom(AI_RUNS)
            .where(AI_RUNS.ID.eq(DSL.any(DSL.param("ids", UUID[].class)))), "ids");
    /** The run of claimNext's claim, by id within its conversation: the statement names the one it reads. */
    private static final RenderedSql RUN_OF_CONVERSATION = RenderedSql.of(DSL.selectFrom(AI_RUNS)
                    .where(AI_RUNS.ID.eq(DSL.param("id", AI_RUNS.ID)),
                            AI_RUNS.CONVERSATION_ID.eq(DSL.param("conversation", AI_RUNS.CONVERSATION_ID))),
            "id", "conversation");

    private DeliveryRows() {
    }

    static String name(DeliveryState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    static DeliveryState state(String name) {
        return DeliveryState.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /**
     * The claimed rows, of any conversations, as their claimer gets them: each answer rebuilt from its stored run and
     * actions.
     */
    static List<ClaimedDelivery> claimed(DSLContext sql, List<DeliveriesRecord> claims) {
        if (claims.isEmpty()) {
            return List.of();
        }
        List<UUID> runIds = claims.stream().map(DeliveriesRecord::getRunId).toList();
        Map<UUID, AiRunsRecord> runs = RUNS.fetchInto(sql, AI_RUNS, (Object) runIds.toArray(UUID[]::new)).stream()
                .collect(Collectors.toMap(AiRunsRecord::getId, run -> run));
        Map<UUID, List<StoredAction>> actions = AiRunRows.storedActions(sql, runIds);
        return claims.stream().map(claim -> claimed(claim, runs.get(claim.getRunId()),
                actions.getOrDefault(claim.getRunId(), List.of()))).toList();
    }

    /**
     * One claimed row, as {@link #claimed(DSLContext, List)} gives it, its run and actions read within the row's
     * conversation (the same rows; the statements name the conversation, docs/scaling.md).
     */
    static ClaimedDelivery claimed(DSLContext sql, DeliveriesRecord claim) {
        String conversation = claim.getConversationId();
        AiRunsRecord run = RUN_OF_CONVERSATION.fetchInto(sql, AI_RUNS, claim.getRunId(), conversation).getFirst();
        return claimed(claim, run, AiRunRows.storedActions(sql, conversation, List.of(claim.getRunId()))
                .getOrDefault(claim.getRunId(), List.of()));
    }

    private static ClaimedDelivery claimed(DeliveriesRecord claim, AiRunsRecord run, List<StoredAction> stored) {
        Set<Integer> done = stored.stream().filter(StoredAction::done).map(StoredAction::index)
                .collect(Collectors.toSet());
        Delivery delivery = new Delivery(ConversationId.of(run.getConversationId()), new RunId(run.getId()),
                new FencingToken(run.getFencingToken()),
                AiRunRows.reply(run, stored.stream().map(StoredAction::action).toList()), run.getFinishedAt(),
                done, Optional.ofNullable(run.getPageId()).map(PageId::new));
        return new ClaimedDelivery(delivery, claim.getClaimToken().toString(), claim.getClaimedUntil(),
                claim.getAttempts(), claim.getQueuedAt());
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
