package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.postgres.schema.tables.records.DeliveriesRecord;
import chat.orchestrator.postgres.schema.tables.records.MessageActionsRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox rows as the dispatcher leaves them and operators read them: per answer, and per action. */
class OutboxRowsTest {
    private static final Duration CLAIM = Duration.ofSeconds(30);
    /** The holder keeps its answer to itself for a few seconds after storing it. */
    private static final Instant DISPATCH_FROM = BASE.plusSeconds(70);

    private final TestClock clock = new TestClock(BASE.plusSeconds(61));
    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool(), clock);
    private final PostgresOutbox outbox = new PostgresOutbox(database.pool());
    private final ConversationId conversation = newConversation();
    private final InboundMessage ask = message(conversation, "ask", 0, "Còn lịch sáng thứ Hai không?");
    private AiRun answer;

    @BeforeEach
    void storeAnAnswer() {
        history.record(ask);
        answer = run(conversation, 1, reply("Dạ còn ạ"), ask);
        history.recordAnswer(answer, DISPATCH_FROM);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void anAnswerIsQueuedAsOnePendingDelivery_withOneRowPerActionKeyedByTheRunId() {
        DeliveriesRecord delivery = deliveryRow();
        assertEquals(conversation.value(), delivery.getConversationId());
        assertEquals("pending", delivery.getStatus());
        assertEquals(0, delivery.getAttempts());
        assertEquals("", delivery.getLastError());
        assertEquals(DISPATCH_FROM, delivery.getNextAttemptAt());
        assertEquals(answer.finishedAt(), delivery.getQueuedAt());
        assertEquals(clock.instant(), delivery.getUpdatedAt());
        assertNotNull(delivery.getCommitSeq());
        assertNull(delivery.getClaimToken());
        assertNull(delivery.getClaimedUntil());
        assertNull(delivery.getSettledAt());

        List<MessageActionsRecord> rows = actionRows();
        assertEquals(List.of(0, 1), rows.stream().map(MessageActionsRecord::getActionIndex).toList());
        assertEquals(List.of("send_message", "send_quick_replies"),
                rows.stream().map(MessageActionsRecord::getActionType).toList());
        rows.forEach(row -> {
            assertEquals("pending", row.getStatus());
            assertEquals(answer.id().toString(), row.getIdempotencyKey());
            assertEquals(conversation.value(), row.getConversationId());
            assertEquals(0, row.getRetryCount());
        });
    }

    @Test
    void anAttemptThatDeliversInPart_recordsEachActionAndLeavesTheAnswerDueWithTheFirstError() {
        ClaimedDelivery claim = claim(BASE.plusSeconds(62));
        Instant at = BASE.plusSeconds(65);

        assertTrue(outbox.record(claim, attempt(DeliveryState.PENDING, at, at.plusSeconds(60),
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 3, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.PENDING, 2, "HTTP 429 rate limited"))));

        List<MessageActionsRecord> rows = actionRows();
        assertEquals(List.of("delivered", "pending"), rows.stream().map(MessageActionsRecord::getStatus).toList());
        assertEquals(List.of(3, 2), rows.stream().map(MessageActionsRecord::getAttempts).toList());
        assertEquals(List.of(2, 1), rows.stream().map(MessageActionsRecord::getRetryCount).toList());
        assertEquals(List.of("", "HTTP 429 rate limited"), rows.stream().map(MessageActionsRecord::getLastError).toList());
        DeliveriesRecord delivery = deliveryRow();
        assertEquals("pending", delivery.getStatus());
        assertEquals(1, delivery.getAttempts());
        assertEquals("HTTP 429 rate limited", delivery.getLastError());
        assertEquals(at.plusSeconds(60), delivery.getNextAttemptAt());
        assertEquals(at, delivery.getUpdatedAt());
        assertNull(delivery.getClaimToken(), "a recorded attempt ends the claim");
        assertNull(delivery.getClaimedUntil());
        assertNull(delivery.getSettledAt());
    }

    @Test
    void attemptsAddUpAcrossAttempts_andAFinalStateSettlesTheAnswer() {
        outbox.record(claim(BASE.plusSeconds(62)), attempt(DeliveryState.PENDING, BASE.plusSeconds(63),
                BASE.plusSeconds(90),
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.PENDING, 3, "HTTP 503")));
        ClaimedDelivery again = claim(BASE.plusSeconds(90));
        assertEquals(Set.of(0), again.delivery().deliveredActions());
        Instant at = BASE.plusSeconds(91);

        assertTrue(outbox.record(again, attempt(DeliveryState.DELIVERED, at, at,
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.DELIVERED, 2, ""))));

        List<MessageActionsRecord> rows = actionRows();
        assertEquals(List.of("delivered", "delivered"), rows.stream().map(MessageActionsRecord::getStatus).toList());
        assertEquals(List.of(1, 5), rows.stream().map(MessageActionsRecord::getAttempts).toList());
        assertEquals(List.of(0, 4), rows.stream().map(MessageActionsRecord::getRetryCount).toList());
        assertEquals(List.of("", "HTTP 503"), rows.stream().map(MessageActionsRecord::getLastError).toList(),
                "the last error an action met stays readable once it got through");
        DeliveriesRecord delivery = deliveryRow();
        assertEquals("delivered", delivery.getStatus());
        assertEquals(2, delivery.getAttempts());
        assertEquals("HTTP 503", delivery.getLastError());
        assertEquals(at, delivery.getSettledAt());
        database.clockAt(at.plus(Duration.ofDays(1)));
        assertTrue(outbox.claimNext(conversation, CLAIM).isEmpty());
    }

    @Test
    void anAttemptCutShortBeforeItReachedPancake_usesUpNoAttempt() {
        ClaimedDelivery claim = claim(BASE.plusSeconds(62));

        assertTrue(outbox.record(claim, new DeliveryAttempt(new DeliveryReport(List.of()), DeliveryState.PENDING,
                BASE.plusSeconds(62), BASE.plusSeconds(62), false)));

        assertEquals(0, deliveryRow().getAttempts());
        assertEquals(0, claim(BASE.plusSeconds(62)).attempts(), "due again at once, nothing counted");
    }

    @Test
    void aClaimThatWasLostRecordsNothing_andCannotBeRenewed() {
        ClaimedDelivery lost = claim(BASE.plusSeconds(62));
        database.clockAt(lost.claimedUntil().plusSeconds(1));
        ClaimedDelivery taken = outbox.claimDue(CLAIM, 10).getFirst();

        assertFalse(outbox.record(lost, attempt(DeliveryState.DELIVERED, BASE.plusSeconds(100), BASE.plusSeconds(100),
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.DELIVERED, 1, ""))));
        assertFalse(outbox.renew(lost, CLAIM));

        assertEquals(List.of("pending", "pending"), actionRows().stream().map(MessageActionsRecord::getStatus).toList());
        assertEquals(0, deliveryRow().getAttempts());
        assertEquals(taken.claimToken(), deliveryRow().getClaimToken().toString(), "the new claimer's claim stands");
    }

    @Test
    void anOperatorsRetryReopensOnlyTheActionsNotDelivered_andStartsANewHorizon() {
        outbox.record(claim(BASE.plusSeconds(62)), attempt(DeliveryState.DEAD_LETTER, BASE.plusSeconds(63),
                BASE.plusSeconds(63),
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.SKIPPED, 0, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.DEAD_LETTER, 7, "HTTP 503")));
        assertEquals(List.of("skipped", "dead_letter"), actionRows().stream().map(MessageActionsRecord::getStatus)
                .toList());
        Instant retryAt = BASE.plus(Duration.ofDays(1));

        assertTrue(outbox.retry(answer.id(), retryAt));

        assertEquals(List.of("skipped", "pending"), actionRows().stream().map(MessageActionsRecord::getStatus).toList());
        DeliveriesRecord delivery = deliveryRow();
        assertEquals("pending", delivery.getStatus());
        assertEquals(retryAt, delivery.getQueuedAt());
        assertEquals(retryAt, delivery.getNextAttemptAt());
        assertEquals(retryAt, delivery.getUpdatedAt());
        assertNull(delivery.getSettledAt());
        assertEquals(1, delivery.getAttempts(), "the attempts made stay counted");
        ClaimedDelivery again = claim(retryAt);
        assertEquals(Set.of(0), again.delivery().deliveredActions(), "a skipped action has nothing to send");
        assertEquals(1, again.attempts());
    }

    /** The holder's claim made when the database's clock reads {@code now}. */
    private ClaimedDelivery claim(Instant now) {
        database.clockAt(now);
        return outbox.claimNext(conversation, CLAIM).orElseThrow();
    }

    private static DeliveryAttempt attempt(DeliveryState state, Instant at, Instant next, ActionDelivery... actions) {
        return new DeliveryAttempt(new DeliveryReport(List.of(actions)), state, next, at, true);
    }

    private DeliveriesRecord deliveryRow() {
        return database.sql().selectFrom(DELIVERIES).where(DELIVERIES.RUN_ID.eq(answer.id().value())).fetchSingle();
    }

    private List<MessageActionsRecord> actionRows() {
        return database.sql().selectFrom(MESSAGE_ACTIONS).orderBy(MESSAGE_ACTIONS.ACTION_INDEX).fetch();
    }
}
