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
import java.sql.ResultSet;
import java.sql.SQLException;
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
import org.jooq.JSONB;
import org.jooq.impl.DSL;

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

    private static final RenderedSql INSERT_RUN = RenderedSql.insert(AI_RUNS,
            insert -> insert.onConflict(AI_RUNS.ID).doNothing(), AI_RUNS.ID, AI_RUNS.CONVERSATION_ID,
            AI_RUNS.MESSAGE_IDS, AI_RUNS.RESPONSE_TEXT, AI_RUNS.INTENT, AI_RUNS.CONFIDENCE, AI_RUNS.ENTITIES,
            AI_RUNS.MODEL, AI_RUNS.PROCESSING_TIME_MS, AI_RUNS.FENCING_TOKEN, AI_RUNS.OUTCOME, AI_RUNS.FINISHED_AT,
            AI_RUNS.PAGE_ID, AI_RUNS.CREATED_AT);
    /** The actions of runs of any conversations: the dispatcher's round, which spans them (docs/scaling.md). */
    private static final RenderedSql STORED_ACTIONS = RenderedSql.of(DSL.select(MESSAGE_ACTIONS.RUN_ID,
                            MESSAGE_ACTIONS.ACTION_INDEX, MESSAGE_ACTIONS.ACTION_TYPE, MESSAGE_ACTIONS.PAYLOAD,
                            MESSAGE_ACTIONS.STATUS)
                    .from(MESSAGE_ACTIONS)
                    .where(MESSAGE_ACTIONS.RUN_ID.eq(DSL.any(DSL.param("run_ids", UUID[].class))))
                    .orderBy(MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_INDEX),
            "run_ids");
    /**
     * The actions of runs of one conversation: the same rows (a run's actions carry its conversation), found by run id
     * as above, but the statement says which conversation it reads, so a deployment partitioned by conversation
     * runs it on one shard (docs/scaling.md).
     */
    private static final RenderedSql STORED_ACTIONS_OF_CONVERSATION = RenderedSql.of(DSL.select(
                            MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_INDEX, MESSAGE_ACTIONS.ACTION_TYPE,
                            MESSAGE_ACTIONS.PAYLOAD, MESSAGE_ACTIONS.STATUS)
                    .from(MESSAGE_ACTIONS)
                    .where(MESSAGE_ACTIONS.CONVERSATION_ID.eq(DSL.param("conversation", MESSAGE_ACTIONS.CONVERSATION_ID)),
                            MESSAGE_ACTIONS.RUN_ID.eq(DSL.any(DSL.param("run_ids", UUID[].class))))
                    .orderBy(MESSAGE_ACTIONS.RUN_ID, MESSAGE_ACTIONS.ACTION_INDEX),
            "conversation", "run_ids");

    /** Stores the run; false when a run with this id is already stored (a retried write after a lost reply). */
    static boolean insertRun(DSLContext sql, AiRun run, String outcome, Instant now) {
        AiReply reply = run.reply();
        // Truncated as Delivery.answeredAt is: an answer read back carries the instant its holder had.
        return INSERT_RUN.execute(sql, run.id().value(), run.conversationId().value(),
                run.messageIds().stream().map(MessageId::value).toArray(String[]::new), reply.text(), reply.intent(),
                reply.confidence(), Json.of(reply.entities()), reply.model(), reply.processingTime().toMillis(),
                run.fencingToken().value(), outcome, answeredAt(run), run.pageId().map(PageId::value).orElse(null),
                now) == 1;
    }

    /** When the run answered, at the precision the store keeps (microseconds). */
    static Instant answeredAt(AiRun run) {
        return run.finishedAt().truncatedTo(ChronoUnit.MICROS);
    }

    /** The answer as it was stored: the run's reply fields and its actions in their order. */
    static AiReply reply(DSLContext sql, AiRunsRecord run) {
        List<Action> actions = storedActions(sql, run.getConversationId(), List.of(run.getId()))
                .getOrDefault(run.getId(), List.of()).stream().map(StoredAction::action).toList();
        return reply(run, actions);
    }

    /** The same answer, with the run's actions already read by {@link #storedActions} (one query for many runs). */
    static AiReply reply(AiRunsRecord run, List<Action> actions) {
        return new AiReply(run.getResponseText(), run.getIntent(), run.getConfidence(),
                Json.stringMap(run.getEntities()), run.getModel(), Duration.ofMillis(run.getProcessingTimeMs()),
                actions);
    }

    /** One stored action of a run: its position in the answer, the action, and where its delivery stands. */
    record StoredAction(int index, Action action, DeliveryReport.Status status) {
        /** Delivered, or nothing to send: an attempt that sends action by action leaves it out. */
        boolean done() {
            return status == DeliveryReport.Status.DELIVERED || status == DeliveryReport.Status.SKIPPED;
        }
    }

    /**
     * The stored actions of each of these runs, of any conversations, in their order; a run that queued nothing has no
     * entry.
     */
    static Map<UUID, List<StoredAction>> storedActions(DSLContext sql, Collection<UUID> runIds) {
        Map<UUID, List<StoredAction>> stored = new HashMap<>();
        STORED_ACTIONS.fetch(sql, row -> storedAction(stored, row), (Object) runIds.toArray(UUID[]::new));
        return stored;
    }

    /** The same, for runs of {@code conversation} only (the rest have no entry), read within that conversation. */
    static Map<UUID, List<StoredAction>> storedActions(DSLContext sql, String conversation, Collection<UUID> runIds) {
        Map<UUID, List<StoredAction>> stored = new HashMap<>();
        STORED_ACTIONS_OF_CONVERSATION.fetch(sql, row -> storedAction(stored, row), conversation,
                runIds.toArray(UUID[]::new));
        return stored;
    }

    private static boolean storedAction(Map<UUID, List<StoredAction>> stored, ResultSet row) throws SQLException {
        return stored.computeIfAbsent(row.getObject(1, UUID.class), run -> new ArrayList<>())
                .add(new StoredAction(row.getInt(2), Action.fromData(actionType(row.getString(3)),
                        Json.objectMap(JSONB.valueOf(row.getString(4)))), status(row.getString(5))));
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
