package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.postgres.PostgresAnalytics.ActionTypeFigures;
import chat.orchestrator.postgres.PostgresAnalytics.RecentConversation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The two analytics queries give the right figures on data written through the port. */
class PostgresAnalyticsTest {
    private final TestClock clock = new TestClock(BASE);
    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool(), clock);
    private final PostgresOutbox outbox = new PostgresOutbox(database.pool());
    private final PostgresAnalytics analytics = new PostgresAnalytics(database.pool());

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void recentConversationsComeNewestFirstWithTheirLatestMessage() {
        ConversationId old = ConversationId.of("conv_old");
        ConversationId busy = ConversationId.of("conv_busy");
        ConversationId quiet = ConversationId.of("conv_quiet");
        history.record(message(old, "o1", -86_400_000, "hôm qua"));
        history.record(message(busy, "b1", 60_000, "một"));
        history.record(message(busy, "b3", 180_000, "ba"));
        history.record(message(busy, "b2", 120_000, "hai (late)"));
        history.record(message(quiet, "q1", 90_000, "chào"));

        assertEquals(List.of(
                        new RecentConversation(busy, MessageId.of("b3"), BASE.plusMillis(180_000), 3),
                        new RecentConversation(quiet, MessageId.of("q1"), BASE.plusMillis(90_000), 1)),
                analytics.recentConversations(BASE, 10));
        assertEquals(List.of(busy), analytics.recentConversations(BASE, 1).stream()
                .map(RecentConversation::conversationId).toList());
        assertEquals(3, analytics.recentConversations(BASE.minus(Duration.ofDays(2)), 10).size());
        assertThrows(IllegalArgumentException.class, () -> analytics.recentConversations(BASE, 0));
    }

    @Test
    void actionFiguresCountActionsAndAverageTheirRetriesPerType() {
        ConversationId conversation = ConversationId.of("conv_figures");
        answer(conversation, "before-window", BASE.minus(Duration.ofHours(2)), 1,
                Map.of(ActionType.SEND_MESSAGE, 9));
        answer(conversation, "first", BASE, 2,
                Map.of(ActionType.SEND_MESSAGE, 1, ActionType.TRANSFER_TO_AGENT, 4));
        answer(conversation, "second", BASE.plus(Duration.ofMinutes(30)), 3,
                Map.of(ActionType.SEND_MESSAGE, 2));
        answer(conversation, "third", BASE.plus(Duration.ofMinutes(40)), 4,
                Map.of(ActionType.SEND_MESSAGE, 3));

        assertEquals(List.of(
                        new ActionTypeFigures(ActionType.SEND_MESSAGE, 3, 1.0),
                        new ActionTypeFigures(ActionType.TRANSFER_TO_AGENT, 1, 3.0)),
                analytics.actionFigures(BASE));
        assertEquals(new ActionTypeFigures(ActionType.SEND_MESSAGE, 4, 2.75),
                analytics.actionFigures(BASE.minus(Duration.ofDays(1))).getFirst());
        assertEquals(List.of(), analytics.actionFigures(BASE.plus(Duration.ofDays(1))));
    }

    /** Stores an answer whose actions were queued at {@code at} and delivered after the given attempts each. */
    private void answer(ConversationId conversation, String messageId, Instant at, long token,
                        Map<ActionType, Integer> attemptsByType) {
        clock.set(at);
        InboundMessage message = message(conversation, messageId, 0, "?");
        history.record(message);
        List<ActionType> types = attemptsByType.keySet().stream().sorted().toList();
        List<Action> actions = types.stream().map(type -> type == ActionType.SEND_MESSAGE
                ? (Action) new Action.SendMessage("Dạ") : new Action.TransferToAgent("complex", "")).toList();
        AiReply reply = new AiReply("Dạ", "ask", 0.5, Map.of(), "m", Duration.ZERO, actions);
        var run = TestRuns.run(conversation, token, reply, message);
        history.recordAnswer(run, at);
        ClaimedDelivery claim = outbox.claimNext(conversation, Duration.ofSeconds(30)).orElseThrow();
        outbox.record(claim, new DeliveryAttempt(new DeliveryReport(types.stream()
                .map(type -> new ActionDelivery(types.indexOf(type), type, Status.DELIVERED, attemptsByType.get(type), ""))
                .toList()), DeliveryState.DELIVERED, at, at, true));
        if (run.handoff().isPresent()) {
            // People hand it back: while the transfer's hand-off stands, the next bot answers would be withheld.
            history.resume(conversation);
        }
    }
}
