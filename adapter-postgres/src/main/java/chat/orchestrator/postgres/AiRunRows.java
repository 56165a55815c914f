package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.postgres.schema.tables.records.AiRunsRecord;
import chat.orchestrator.postgres.schema.tables.records.MessageActionsRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.InsertSetMoreStep;

/**
 * Writes an AI run with its action rows and reads an answer back, mapping between rows and domain values. Shared by
 * the history (which stores answers) and the outbox (which hands them out again, as they were stored).
 */
final class AiRunRows {
    static final String SENT = "sent";
    static final String DISCARDED = "discarded";
    static final String PENDING = "pending";

    private AiRunRows() {
    }

    /** Stores the run; false when a run with this id is already stored (a retried write after a lost reply). */
    static boolean insertRun(DSLContext sql, AiRun run, String outcome, Instant now) {
        AiReply reply = run.reply();
        return sql.insertInto(AI_RUNS)
                .set(AI_RUNS.ID, run.id().value())
                .set(AI_RUNS.CONVERSATION_ID, run.conversationId().value())
                .set(AI_RUNS.MESSAGE_IDS, run.messageIds().stream().map(MessageId::value).toArray(String[]::new))
                .set(AI_RUNS.RESPONSE_TEXT, reply.text())
                .set(AI_RUNS.INTENT, reply.intent())
                .set(AI_RUNS.CONFIDENCE, reply.confidence())
                .set(AI_RUNS.ENTITIES, Json.of(reply.entities()))
                .set(AI_RUNS.MODEL, reply.model())
                .set(AI_RUNS.PROCESSING_TIME_MS, reply.processingTime().toMillis())
                .set(AI_RUNS.FENCING_TOKEN, run.fencingToken().value())
                .set(AI_RUNS.OUTCOME, outcome)
                // Truncated as Delivery.answeredAt is: an answer read back carries the instant its holder had.
                .set(AI_RUNS.FINISHED_AT, answeredAt(run))
                .set(AI_RUNS.PAGE_ID, run.pageId().map(PageId::value).orElse(null))
                .set(AI_RUNS.CREATED_AT, now)
                .onConflict(AI_RUNS.ID).doNothing()
                .execute() == 1;
    }

    /** When the run answered, at the precision the store keeps (microseconds). */
    static Instant answeredAt(AiRun run) {
        return run.finishedAt().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Stores the answer's actions, each pending until a delivery attempt reports on it. Every row carries the
     * delivery's idempotency key (the run id), the key every attempt of this delivery sends (invariant 3).
     */
    static void insertActions(DSLContext sql, AiRun run, Instant now) {
        List<MessageActionsRecord> rows = new ArrayList<>();
        List<Action> actions = run.reply().actions();
        for (int index = 0; index < actions.size(); index++) {
            Action action = actions.get(index);
            MessageActionsRecord row = sql.newRecord(MESSAGE_ACTIONS);
            row.setId(UUID.randomUUID());
            row.setRunId(run.id().value());
            row.setConversationId(run.conversationId().value());
            row.setActionIndex(index);
            row.setActionType(action.type().wireName());
            row.setPayload(Json.of(action.data()));
            row.setStatus(PENDING);
            row.setIdempotencyKey(run.id().toString());
            row.setCreatedAt(now);
            row.setUpdatedAt(now);
            rows.add(row);
        }
        // One multi-row INSERT: the outbox rows cost one round trip whatever the number of actions.
        InsertSetMoreStep<MessageActionsRecord> insert = sql.insertInto(MESSAGE_ACTIONS).set(rows.getFirst());
        for (MessageActionsRecord row : rows.subList(1, rows.size())) {
            insert = insert.newRecord().set(row);
        }
        insert.execute();
    }

    /** The answer as it was stored: the run's reply fields and its actions in their order. */
    static AiReply reply(DSLContext sql, AiRunsRecord run) {
        return reply(run, actions(sql, List.of(run.getId())).getOrDefault(run.getId(), List.of()));
    }

    /** The same answer, with the run's actions already read by {@link #actions} (one query for many runs). */
    static AiReply reply(AiRunsRecord run, List<Action> actions) {
        return new AiReply(run.getResponseText(), run.getIntent(), run.getConfidence(),
                Json.stringMap(run.getEntities()), run.getModel(), Duration.ofMillis(run.getProcessingTimeMs()),
                actions);
    }

    /** The actions of each of these runs, in their order; a run that queued nothing has no entry. */
    static Map<UUID, List<Action>> actions(DSLContext sql, Collection<UUID> runIds) {
        Map<UUID, List<Action>> actions = new HashMap<>();
        storedActions(sql, runIds).forEach((run, stored) -> actions.put(run, stored.stream().map(StoredAction::action)
                .toList()));
        return actions;
    }

    /** One stored action of a run: its position in the answer, the action, and where its delivery stands. */
    record StoredAction(int index, Action action, DeliveryReport.Status status) {
        /** Delivered, or nothing to send: an attempt that sends action by action leaves it out. */
        boolean done() {
            return status == DeliveryReport.Status.DELIVERED || status == DeliveryReport.Status.SKIPPED;
        }
    }

    /** The stored actions of each of these runs, in their order; a run that queued nothing has no entry. */
    static Map<UUID, List<StoredAction>> storedActions(DSLContext sql, Collection<UUID> runIds) {
        return sql.select(MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_INDEX, MESSAGE_ACTIONS.ACTION_TYPE,
                        MESSAGE_ACTIONS.PAYLOAD, MESSAGE_ACTIONS.STATUS)
                .from(MESSAGE_ACTIONS)
                .where(MESSAGE_ACTIONS.RUN_ID.in(runIds))
                .orderBy(MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_INDEX)
                .fetchGroups(row -> row.value1(), row -> new StoredAction(row.value2(),
                        Action.fromData(actionType(row.value3()), Json.objectMap(row.value4())), status(row.value5())));
    }

    static String statusName(DeliveryReport.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    static DeliveryReport.Status status(String name) {
        return DeliveryReport.Status.valueOf(name.toUpperCase(Locale.ROOT));
    }

    static ActionType actionType(String wireName) {
        return ActionType.fromWireName(wireName).orElseThrow(() -> new IllegalStateException(
                "message_actions holds an unknown action type '" + wireName + "'"));
    }
}
