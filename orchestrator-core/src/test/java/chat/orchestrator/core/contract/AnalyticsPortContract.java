package chat.orchestrator.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.AnalyticsReport.DeliveryFailures;
import chat.orchestrator.core.port.AnalyticsReport.Handoffs;
import chat.orchestrator.core.port.AnalyticsReport.HourlyActivity;
import chat.orchestrator.core.port.AnalyticsReport.Outcomes;
import chat.orchestrator.core.port.AnalyticsWindow;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.ModelLatency;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AnalyticsPort} must report, over the {@link HistoryPort} and {@link OutboxPort} of the same store,
 * filled the way the worker and the dispatcher fill them. The store's clock is the suite's, so the instants messages
 * are recorded at are known; the window is 10:00 to 12:30 of a day far in the future (three hourly buckets).
 */
public abstract class AnalyticsPortContract {
    private static final Instant TEN = Instant.parse("2099-03-01T10:00:00Z");
    private static final AnalyticsWindow WINDOW = AnalyticsWindow.lastHours(TEN.plus(Duration.ofMinutes(150)), 3);
    private static final Duration CLAIM = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock(TEN);
    private HistoryPort history;
    private OutboxPort outbox;
    private AnalyticsPort analytics;

    /** The three ports over one store, emptied for this test, stamping what they record with {@code clock}. */
    public record Stores(HistoryPort history, OutboxPort outbox, AnalyticsPort analytics) {
    }

    protected abstract Stores freshStores(Clock clock);

    /**
     * Outbox claims are judged by the store's own clock (OutboxPort). A store whose clock is not the suite's (a
     * database's) is set to {@code instant} here before each claim; one that stamps with the suite's clock, as the
     * in-memory history does, needs nothing.
     */
    protected void storeClockAt(Instant instant) {
    }

    @BeforeEach
    void openStores() {
        Stores stores = freshStores(clock);
        history = stores.history();
        outbox = stores.outbox();
        analytics = stores.analytics();
    }

    @Test
    void anEmptyHistory_reportsEveryHourAndEveryActionTypeAtZero() {
        AnalyticsReport report = analytics.report(WINDOW);

        assertEquals(List.of(new HourlyActivity(TEN, 0, 0, 0), new HourlyActivity(at(60), 0, 0, 0),
                new HourlyActivity(at(120), 0, 0, 0)), report.hours());
        assertEquals(new Outcomes(0, 0, 0, 0), report.outcomes());
        assertEquals(7, report.actions().size());
        assertEquals(0L, report.actions().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(List.of(), report.aiLatency());
        assertEquals(new DeliveryFailures(0, 0, 0), report.deliveryFailures());
        assertEquals(new Handoffs(0), report.handoffs());
    }

    /**
     * Six conversations over three hours, one answer of each kind of ending, and traffic just outside the window on
     * both sides that must not count.
     */
    @Test
    void aReport_countsWhatHappenedInItsWindowOnly() {
        AiRun before = answer(conversation("before"), at(-1), at(-1), "gpt-b", 10_000, send(), "z1");
        deliver(before, at(-1), DeliveryState.DELIVERED);
        AiRun transferred = answer(conversation("a"), at(5), at(6), "gpt-a", 100, send(), transfer(), "a1", "a2");
        deliver(transferred, at(7), DeliveryState.DELIVERED);
        ConversationId b = conversation("b");
        record(b, "b1", at(10));
        discard(b, at(11), "gpt-a", 300, "b1");
        AiRun retried = answer(b, at(11), at(12), "gpt-b", 50, send(), "b2", "b1");
        deliver(retried, at(13), DeliveryState.PENDING);
        deliver(retried, at(14), DeliveryState.DELIVERED);
        AiRun refused = answer(conversation("c"), at(90), at(91), "gpt-a", 200, quickReplies(), transfer(), send(),
                "c1");
        deliver(refused, at(92), DeliveryState.REJECTED);
        AiRun dead = answer(conversation("d"), at(100), at(101), "gpt-a", 400, send(), "d1");
        deliver(dead, at(102), DeliveryState.PENDING);
        deliver(dead, at(103), DeliveryState.DEAD_LETTER);
        answer(conversation("e"), at(130), at(131), "gpt-b", 150, send(), "e1");
        record(conversation("f"), "f1", at(140));
        record(conversation("g"), "g1", WINDOW.to());

        AnalyticsReport report = analytics.report(WINDOW);

        assertEquals(List.of(new HourlyActivity(TEN, 4, 2, 1), new HourlyActivity(at(60), 2, 2, 0),
                new HourlyActivity(at(120), 2, 1, 0)), report.hours());
        assertEquals(8, report.messagesReceived());
        assertEquals(new Outcomes(7, 1, 2, 1), report.outcomes(), "f1 waits; e1's answer is being delivered");
        assertEquals(new DeliveryFailures(4, 1, 1), report.deliveryFailures(),
                "b: one failed attempt; c: one refused; d: two");
        assertEquals(Map.of(ActionType.SEND_MESSAGE, 5L, ActionType.TRANSFER_TO_AGENT, 2L,
                ActionType.SEND_QUICK_REPLIES, 1L), nonZero(report.actions()));
        assertEquals(new Handoffs(2), report.handoffs());
        assertLatency(new ModelLatency("gpt-a", 4, 250, 385, 397), report.aiLatency().get(0));
        assertLatency(new ModelLatency("gpt-b", 2, 100, 145, 149), report.aiLatency().get(1));
        assertEquals(2, report.aiLatency().size());
    }

    @Test
    void aMessageAnsweredAfterTheWindow_isCountedAnsweredButItsAnswerIsNot() {
        answer(conversation("late"), at(140), WINDOW.to().plusSeconds(1), "gpt-a", 80, transfer(), "l1");

        AnalyticsReport report = analytics.report(WINDOW);

        assertEquals(new Outcomes(1, 0, 0, 0), report.outcomes());
        assertEquals(0, report.answersSent());
        assertEquals(new Handoffs(0), report.handoffs());
        assertEquals(List.of(), report.aiLatency());
    }

    /**
     * Messages received while people have the conversation are handled without the AI: received and answered (no
     * longer waiting), but no answer of the bot, no stale answer and no AI call.
     */
    @Test
    void aBurstHandledByPeople_countsAsReceivedAndAnswered_notAsAnAnswerOrAnAiCall() {
        ConversationId handedOff = conversation("people");
        record(handedOff, "p1", at(20));
        assertEquals(true, history.handOff(handedOff, Handoff.starting(at(20), Handoff.By.ADMIN, "")));
        record(handedOff, "p2", at(30));
        clock.set(at(31));
        assertInstanceOf(FencedWrite.Committed.class, history.recordHandedOff(handedOff, new FencingToken(1),
                Set.of(MessageId.of("p1"), MessageId.of("p2")), at(31)));

        AnalyticsReport report = analytics.report(WINDOW);

        assertEquals(new HourlyActivity(TEN, 2, 0, 0), report.hours().getFirst());
        assertEquals(new Outcomes(2, 0, 0, 0), report.outcomes());
        assertEquals(List.of(), report.aiLatency());
        assertEquals(new DeliveryFailures(0, 0, 0), report.deliveryFailures());
    }

    private static Instant at(long minutesAfterTen) {
        return TEN.plus(Duration.ofMinutes(minutesAfterTen));
    }

    private static ConversationId conversation(String name) {
        return ConversationId.of("conv_analytics_" + name);
    }

    private void record(ConversationId conversation, String messageId, Instant recordedAt) {
        clock.set(recordedAt);
        history.record(new InboundMessage(MessageId.of(messageId), conversation, "Tôi muốn đặt lịch", "user_123",
                SenderType.USER, recordedAt, Map.of("platform", "web")));
    }

    /**
     * Records the messages at {@code recordedAt} and stores an answer to all of them that
     * the AI finished at {@code finishedAt}, with these actions; its delivery is left to its holder.
     */
    private AiRun answer(ConversationId conversation, Instant recordedAt, Instant finishedAt, String model,
                         long millis, Object... actionsThenMessageIds) {
        List<Action> actions = Arrays.stream(actionsThenMessageIds).filter(Action.class::isInstance)
                .map(Action.class::cast).toList();
        List<MessageId> ids = Arrays.stream(actionsThenMessageIds).filter(String.class::isInstance)
                .map(id -> MessageId.of((String) id)).toList();
        // Recording a message again (a redelivery) changes nothing, so b1, recorded earlier, keeps its instant.
        ids.forEach(id -> record(conversation, id.value(), recordedAt));
        clock.set(finishedAt);
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(1), ids, reply(model, millis, actions),
                finishedAt);
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run, finishedAt));
        return run;
    }

    private void discard(ConversationId conversation, Instant finishedAt, String model, long millis, String messageId) {
        clock.set(finishedAt);
        assertInstanceOf(FencedWrite.Committed.class, history.recordDiscarded(new AiRun(RunId.random(), conversation,
                new FencingToken(1), List.of(MessageId.of(messageId)), reply(model, millis, List.of(send())),
                finishedAt)));
    }

    /** One counted attempt at {@code at} that leaves the answer in {@code state}, as the dispatcher records it. */
    private void deliver(AiRun run, Instant at, DeliveryState state) {
        clock.set(at);
        storeClockAt(at);
        ClaimedDelivery claim = outbox.claimNext(run.conversationId(), CLAIM).orElseThrow();
        DeliveryReport.Status status = switch (state) {
            case DELIVERED -> DeliveryReport.Status.DELIVERED;
            case PENDING -> DeliveryReport.Status.PENDING;
            case REJECTED -> DeliveryReport.Status.REJECTED;
            case DEAD_LETTER -> DeliveryReport.Status.DEAD_LETTER;
            case WITHHELD -> throw new IllegalArgumentException("no attempt leaves an answer withheld; the claim does");
        };
        List<Action> actions = run.reply().actions();
        DeliveryReport report = new DeliveryReport(IntStream.range(0, actions.size())
                .mapToObj(i -> new ActionDelivery(i, actions.get(i).type(), status, 1,
                        status == DeliveryReport.Status.DELIVERED ? "" : "HTTP 503"))
                .toList());
        assertEquals(true, outbox.record(claim, new DeliveryAttempt(report, state, at, at, true)));
    }

    private static AiReply reply(String model, long millis, List<Action> actions) {
        return new AiReply("Dạ, chị muốn đặt lịch ngày nào ạ?", "book_appointment", 0.9, Map.of(), model,
                Duration.ofMillis(millis), actions);
    }

    private static Action send() {
        return new Action.SendMessage("Dạ, chị muốn đặt lịch ngày nào ạ?");
    }

    private static Action transfer() {
        return new Action.TransferToAgent("complex_request", "Em chuyển chị sang nhân viên tư vấn ạ.");
    }

    private static Action quickReplies() {
        return new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00"));
    }

    private static Map<ActionType, Long> nonZero(Map<ActionType, Long> actions) {
        return Map.copyOf(actions.entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** percentile_cont is computed in floating point, by the store or in Java: equal to a billionth. */
    private static void assertLatency(ModelLatency expected, ModelLatency actual) {
        assertEquals(expected.model(), actual.model());
        assertEquals(expected.calls(), actual.calls());
        assertEquals(expected.p50Millis(), actual.p50Millis(), 1e-9, "p50 of " + expected.model());
        assertEquals(expected.p95Millis(), actual.p95Millis(), 1e-9, "p95 of " + expected.model());
        assertEquals(expected.p99Millis(), actual.p99Millis(), 1e-9, "p99 of " + expected.model());
    }
}
