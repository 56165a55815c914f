package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.postgres.schema.tables.records.MessageActionsRecord;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox as the dispatcher and the admins will read it: rows per action, due times, delivery figures. */
class OutboxRowsTest {
    private final MutableClock clock = new MutableClock(BASE.plusSeconds(61));
    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool(), clock);
    private final ConversationId conversation = newConversation();
    private final InboundMessage ask = message(conversation, "ask", 0, "Còn lịch sáng thứ Hai không?");
    private AiRun answer;

    @BeforeEach
    void storeAnAnswer() {
        history.record(ask);
        answer = run(conversation, 1, reply("Dạ còn ạ"), ask);
        history.recordAnswer(answer);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void anAnswerQueuesOneDueRowPerActionKeyedByTheRunId() {
        List<MessageActionsRecord> rows = actionRows();

        assertEquals(List.of(0, 1), rows.stream().map(MessageActionsRecord::getActionIndex).toList());
        assertEquals(List.of("send_message", "send_quick_replies"),
                rows.stream().map(MessageActionsRecord::getActionType).toList());
        rows.forEach(row -> {
            assertEquals("pending", row.getStatus());
            assertEquals(answer.id().toString(), row.getIdempotencyKey());
            assertEquals(clock.instant(), row.getNextAttemptAt());
            assertEquals(conversation.value(), row.getConversationId());
            assertEquals(0, row.getRetryCount());
        });
    }

    @Test
    void aDeliveryReportSetsStatusRetryCountAndLastErrorOnEachRow() {
        clock.advance(Duration.ofSeconds(5));
        DeliveryReport report = new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 3, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.FAILED, 2, "HTTP 429 rate limited")));

        history.recordDelivery(conversation, answer.id(), report);

        List<MessageActionsRecord> rows = actionRows();
        assertEquals(List.of("delivered", "failed"), rows.stream().map(MessageActionsRecord::getStatus).toList());
        assertEquals(List.of(2, 1), rows.stream().map(MessageActionsRecord::getRetryCount).toList());
        assertEquals(List.of("", "HTTP 429 rate limited"), rows.stream().map(MessageActionsRecord::getLastError).toList());
        assertEquals(Arrays.asList(null, BASE.plusSeconds(61)),
                rows.stream().map(MessageActionsRecord::getNextAttemptAt).toList(),
                "a delivered action is settled, a failed one stays due for the dispatcher");
        assertEquals(report, history.delivery(conversation, answer.id()).orElseThrow());
        assertEquals(clock.instant(), database.sql().select(AI_RUNS.DELIVERY_RECORDED_AT).from(AI_RUNS)
                .fetchSingle(AI_RUNS.DELIVERY_RECORDED_AT));
    }

    @Test
    void aSkippedActionWithNoAttemptReadsBackWithZeroAttempts() {
        DeliveryReport report = new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.SKIPPED, 0, "")));

        history.recordDelivery(conversation, answer.id(), report);

        assertEquals(report, history.delivery(conversation, answer.id()).orElseThrow());
        assertEquals(List.of(0, 0), actionRows().stream().map(MessageActionsRecord::getRetryCount).toList());
    }

    @Test
    void theLastReportOfARunReplacesTheEarlierOne() {
        history.recordDelivery(conversation, answer.id(), new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.FAILED, 1, "timeout"),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.FAILED, 1, "timeout"))));
        DeliveryReport last = new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 2, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.DEAD_LETTER, 5, "HTTP 503")));

        history.recordDelivery(conversation, answer.id(), last);

        assertEquals(last, history.delivery(conversation, answer.id()).orElseThrow());
    }

    @Test
    void aReportForARunThatQueuedNothingWritesNothing() {
        InboundMessage later = message(conversation, "later", 5_000, "Alo?");
        history.record(later);
        AiRun discarded = run(conversation, 1, reply("stale"), later);
        history.recordDiscarded(discarded);
        DeliveryReport report = new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 1, "")));

        history.recordDelivery(conversation, discarded.id(), report);
        history.recordDelivery(conversation, RunId.random(), report);
        history.recordDelivery(newConversation(), answer.id(), report);

        assertTrue(history.delivery(conversation, discarded.id()).isEmpty());
        assertTrue(history.delivery(conversation, answer.id()).isEmpty(), "another conversation's report is not this run's");
        assertEquals(List.of("pending", "pending"), actionRows().stream().map(MessageActionsRecord::getStatus).toList());
    }

    private List<MessageActionsRecord> actionRows() {
        return database.sql().selectFrom(MESSAGE_ACTIONS).orderBy(MESSAGE_ACTIONS.ACTION_INDEX).fetch();
    }
}
