package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V4 on a database the previous release wrote (V3): every answer already sent gets its place in the outbox. Those
 * whose delivery was never reported are due again, those delivered stay delivered, and those the previous release
 * gave up on (a report with an action failed or never delivered) become dead letters an operator can retry.
 */
class OutboxBackfillTest {
    /**
     * An operator's retry a day after the backfilled answers. This database has no test clock (it is migrated step
     * by step, not made from the template), so its real clock judges claims: this is in its past.
     */
    private static final Instant RETRY_AT = BASE.plus(Duration.ofDays(1));
    private static final Duration CLAIM = Duration.ofSeconds(30);

    private final TestDatabase database = TestDatabase.empty();
    private DSLContext sql;
    private PostgresHistory history;
    private PostgresOutbox outbox;
    private final ConversationId waiting = ConversationId.of("conv_waiting");
    private final ConversationId done = ConversationId.of("conv_done");
    private final ConversationId failed = ConversationId.of("conv_failed");
    private final ConversationId partial = ConversationId.of("conv_partial");

    @BeforeEach
    void migrateToTheLastReleasesSchema() {
        Flyway.configure().dataSource(database.pool()).locations(PostgresMigrations.LOCATION).target("3").load()
                .migrate();
        sql = database.sql();
        history = new PostgresHistory(database.pool());
        outbox = new PostgresOutbox(database.pool());
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void answersSentBeforeTheOutboxAreQueued_lostOnesDueAgainAndGivenUpOnesDeadLetters() {
        UUID lost = sentRun(waiting, 10, null, "pending", "pending");
        UUID lostToo = sentRun(waiting, 20, null, "pending", "pending");
        UUID delivered = sentRun(done, 5, 6, "delivered", "skipped");
        UUID gaveUp = sentRun(failed, 15, 16, "delivered", "failed");
        UUID halfReported = sentRun(partial, 25, 26, "delivered", "pending");

        assertEquals(new PostgresMigrations.Result(5, "8"), PostgresMigrations.migrate(database.pool()));

        assertEquals(List.of(delivered, lost, gaveUp, lostToo, halfReported), sql.select(DELIVERIES.RUN_ID)
                        .from(DELIVERIES).orderBy(DELIVERIES.COMMIT_SEQ).fetch(DELIVERIES.RUN_ID),
                "commit_seq in finished_at order");
        assertEquals(List.of("delivered", "pending", "dead_letter", "pending", "dead_letter"), sql.select(DELIVERIES.STATUS)
                .from(DELIVERIES).orderBy(DELIVERIES.COMMIT_SEQ).fetch(DELIVERIES.STATUS));
        assertEquals(List.of("delivered", "rejected"), actionStatuses(gaveUp), "'failed' is gone");
        assertEquals(List.of("delivered", "dead_letter"), actionStatuses(halfReported));

        assertEquals(List.of(lost), outbox.claimDue(CLAIM, 10).stream().map(c -> c.runId().value()).toList(),
                "the lost answer is due again, the one behind it waits");
        UndeliveredAnswer deadLetter = outbox.list(DeliveryState.DEAD_LETTER, 10).stream()
                .filter(answer -> answer.runId().value().equals(gaveUp)).findFirst().orElseThrow();
        assertEquals("HTTP 503", deadLetter.lastError());
        assertEquals(BASE.plusSeconds(15), deadLetter.queuedAt());
        assertEquals(2, outbox.count(DeliveryState.DEAD_LETTER));
        assertEquals(1, outbox.count(DeliveryState.DELIVERED));

        assertTrue(outbox.retry(new RunId(gaveUp), RETRY_AT));
        ClaimedDelivery retried = outbox.claimNext(failed, CLAIM).orElseThrow();
        assertEquals(Set.of(0), retried.delivery().deliveredActions(), "what was delivered is not sent again");
        assertEquals(reply("answer 15"), retried.delivery().reply());
    }

    @Test
    void answersStoredAfterTheMigrationQueueBehindTheBackfilledOnes() {
        UUID old = sentRun(waiting, 10, null, "pending", "pending");
        PostgresMigrations.migrate(database.pool());
        InboundMessage next = message(waiting, "next", 60_000, "Alo?");
        history.record(next);
        AiRun newer = new AiRun(RunId.random(), waiting, new FencingToken(1), List.of(next.id()), reply("newer"),
                BASE.plusSeconds(1));

        history.recordAnswer(newer, BASE.plusSeconds(1));

        assertEquals(List.of(old, newer.id().value()), sql.select(DELIVERIES.RUN_ID).from(DELIVERIES)
                .orderBy(DELIVERIES.COMMIT_SEQ).fetch(DELIVERIES.RUN_ID));
        assertEquals(old, outbox.claimNext(waiting, CLAIM).orElseThrow().runId().value());
    }

    /**
     * A sent run as the previous release wrote it, finished {@code finishedSecond} seconds after BASE, its delivery
     * reported at {@code reportedSecond} (null: never), with two actions in the given statuses.
     */
    private UUID sentRun(ConversationId conversation, int finishedSecond, Integer reportedSecond, String first,
                         String second) {
        InboundMessage ask = message(conversation, "m" + finishedSecond, finishedSecond, "Còn lịch không?");
        history.record(ask);
        UUID run = UUID.randomUUID();
        String text = "answer " + finishedSecond;
        sql.insertInto(AI_RUNS)
                .set(AI_RUNS.ID, run)
                .set(AI_RUNS.CONVERSATION_ID, conversation.value())
                .set(AI_RUNS.MESSAGE_IDS, new String[] {ask.id().value()})
                .set(AI_RUNS.RESPONSE_TEXT, text)
                .set(AI_RUNS.INTENT, "book_appointment")
                .set(AI_RUNS.CONFIDENCE, 0.93)
                .set(AI_RUNS.ENTITIES, Json.of(reply(text).entities()))
                .set(AI_RUNS.MODEL, "test-model")
                .set(AI_RUNS.PROCESSING_TIME_MS, 42L)
                .set(AI_RUNS.FENCING_TOKEN, 1L)
                .set(AI_RUNS.OUTCOME, AiRunRows.SENT)
                .set(AI_RUNS.FINISHED_AT, BASE.plusSeconds(finishedSecond))
                // A column V4 drops, so the generated types no longer name it.
                .set(DSL.field(DSL.name("delivery_recorded_at"), SQLDataType.INSTANT),
                        reportedSecond == null ? null : BASE.plusSeconds(reportedSecond))
                .execute();
        sql.update(MESSAGES).set(MESSAGES.ANSWERED_BY, run)
                .where(MESSAGES.CONVERSATION_ID.eq(conversation.value()), MESSAGES.MESSAGE_ID.eq(ask.id().value()))
                .execute();
        List<JSONB> payloads = reply(text).actions().stream().map(action -> Json.of(action.data())).toList();
        List<String> statuses = List.of(first, second);
        List<String> types = List.of("send_message", "send_quick_replies");
        for (int index = 0; index < 2; index++) {
            sql.insertInto(MESSAGE_ACTIONS)
                    .set(MESSAGE_ACTIONS.ID, UUID.randomUUID())
                    .set(MESSAGE_ACTIONS.RUN_ID, run)
                    .set(MESSAGE_ACTIONS.CONVERSATION_ID, conversation.value())
                    .set(MESSAGE_ACTIONS.ACTION_INDEX, index)
                    .set(MESSAGE_ACTIONS.ACTION_TYPE, types.get(index))
                    .set(MESSAGE_ACTIONS.PAYLOAD, payloads.get(index))
                    .set(MESSAGE_ACTIONS.STATUS, statuses.get(index))
                    .set(MESSAGE_ACTIONS.LAST_ERROR, statuses.get(index).equals("failed") ? "HTTP 503" : "")
                    .set(MESSAGE_ACTIONS.IDEMPOTENCY_KEY, run.toString())
                    .execute();
        }
        return run;
    }

    private List<String> actionStatuses(UUID run) {
        return sql.select(MESSAGE_ACTIONS.STATUS).from(MESSAGE_ACTIONS).where(MESSAGE_ACTIONS.RUN_ID.eq(run))
                .orderBy(MESSAGE_ACTIONS.ACTION_INDEX).fetch(MESSAGE_ACTIONS.STATUS);
    }
}
