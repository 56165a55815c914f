package chat.orchestrator.core.contract;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link HistoryPort} must guarantee. Adapters extend this with a fresh store per test. */
public abstract class HistoryPortContract {
    private HistoryPort history;

    /** A history port over an empty store. */
    protected abstract HistoryPort freshHistory();

    @BeforeEach
    void openStore() {
        history = freshHistory();
    }

    private static AiRun run(ConversationId conversation, long token, AiReply reply, InboundMessage... messages) {
        return new AiRun(RunId.random(), conversation, new FencingToken(token),
                java.util.Arrays.stream(messages).map(InboundMessage::id).toList(), reply,
                TestMessages.BASE.plusSeconds(60));
    }

    @Test
    void aMessageIsNewOnceThenUnansweredThenAnswered() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

        assertEquals(RecordOutcome.NEW, history.record(hello));
        assertEquals(RecordOutcome.UNANSWERED, history.record(hello));
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run(conversation, 1, reply("Dạ"), hello)));
        assertEquals(RecordOutcome.ANSWERED, history.record(hello));
    }

    @Test
    void aWriteWithAnOlderFencingTokenIsRefusedAfterANewerOneWrote() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        InboundMessage b = message(conversation, "b", 1, "b");
        history.record(a);
        history.record(b);

        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run(conversation, 7, reply("new"), a)));

        assertEquals(new FencedWrite.Refused(FencedWrite.Reason.STALE_FENCING_TOKEN),
                history.recordAnswer(run(conversation, 6, reply("old"), b)));
        assertEquals(new FencedWrite.Refused(FencedWrite.Reason.STALE_FENCING_TOKEN),
                history.recordDiscarded(run(conversation, 6, reply("old"), b)));
        assertEquals(RecordOutcome.UNANSWERED, history.record(b), "a refused write leaves no trace");
        assertTrue(history.answerFor(conversation, b.id()).isEmpty());
    }

    @Test
    void theSameTokenMayWriteAgainAndFencesAreKeptPerConversation() {
        ConversationId conversation = newConversation();
        ConversationId other = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        InboundMessage b = message(conversation, "b", 1, "b");
        InboundMessage c = message(other, "c", 0, "c");
        history.record(a);
        history.record(b);
        history.record(c);

        assertInstanceOf(FencedWrite.Committed.class, history.recordDiscarded(run(conversation, 3, reply("stale"), a)));
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run(conversation, 3, reply("fresh"), a, b)));
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run(other, 1, reply("other"), c)));
    }

    @Test
    void aMessageCanBeAnsweredOnlyOnce() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        InboundMessage b = message(conversation, "b", 1, "b");
        history.record(a);
        history.record(b);
        history.recordAnswer(run(conversation, 1, reply("first"), a));

        FencedWrite second = history.recordAnswer(run(conversation, 2, reply("second"), a, b));

        assertEquals(new FencedWrite.Refused(FencedWrite.Reason.ALREADY_ANSWERED), second);
        assertEquals(Set.of(a.id()), history.answeredAmong(conversation, Set.of(a.id(), b.id())));
        assertEquals("first", history.answerFor(conversation, a.id()).orElseThrow().text());
    }

    @Test
    void theAnswerOfAMessageIsReadBackWhole() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "Tôi muốn đặt lịch khám bệnh");
        history.record(a);
        AiReply reply = new AiReply("Dạ còn ạ 🙏 \"8 giờ\" '; DROP TABLE ai_runs; --", "book_appointment", 0.93,
                Map.of("day", "thứ Hai"), "qwen2.5-7b-instruct", Duration.ofMillis(1234), List.of(
                        new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00")),
                        new Action.SendCarousel(List.of(new Action.Card("Khám tổng quát", "500.000đ", "", "https://example.com/a"))),
                        new Action.ExecuteApi("create_booking", Map.of("day", "thứ Hai")),
                        new Action.TransferToAgent("complex case", "")));
        history.recordAnswer(run(conversation, 1, reply, a));

        assertEquals(reply, history.answerFor(conversation, a.id()).orElseThrow());
    }

    @Test
    void recentTurnsHoldAnsweredMessagesAndSentAnswersButNoDiscardedOne() {
        ConversationId conversation = newConversation();
        InboundMessage hi = message(conversation, "hi", 1_000, "Xin chào");
        InboundMessage ask = message(conversation, "ask", 2_000, "Còn lịch sáng thứ Hai không?");
        InboundMessage more = message(conversation, "more", 3_000, "Mình muốn khám tổng quát");
        history.record(hi);
        history.record(ask);
        history.record(more);
        history.recordAnswer(new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(hi.id()),
                reply("Dạ, phòng khám xin nghe ạ."), TestMessages.BASE.plusMillis(1_500)));
        history.recordDiscarded(new AiRun(RunId.random(), conversation, new FencingToken(2), List.of(ask.id()),
                reply("stale answer"), TestMessages.BASE.plusMillis(2_500)));

        List<Turn> turns = history.recentTurns(conversation, 10);

        assertEquals(List.of(
                        new Turn(Turn.Role.CUSTOMER, "Xin chào", TestMessages.BASE.plusMillis(1_000)),
                        new Turn(Turn.Role.BOT, "Dạ, phòng khám xin nghe ạ.", TestMessages.BASE.plusMillis(1_500))),
                turns);
        assertEquals(1, history.recentTurns(conversation, 1).size());
        assertEquals(Turn.Role.BOT, history.recentTurns(conversation, 1).getFirst().role());
    }

    @Test
    void anAnswerThatReachedTheCustomerWithNothing_isNoBotTurn_butItsMessagesStay() {
        ConversationId conversation = newConversation();
        InboundMessage hi = message(conversation, "hi", 1_000, "Xin chào");
        InboundMessage again = message(conversation, "again", 2_000, "Alo?");
        history.record(hi);
        history.record(again);
        AiRun lost = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(hi.id()),
                reply("never arrived"), TestMessages.BASE.plusMillis(1_500));
        AiRun partly = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(again.id()),
                reply("arrived in part"), TestMessages.BASE.plusMillis(2_500));
        history.recordAnswer(lost);
        history.recordAnswer(partly);
        history.recordDelivery(conversation, lost.id(), new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, DeliveryReport.Status.DEAD_LETTER, 4, "HTTP 503"),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, DeliveryReport.Status.FAILED, 0, "not sent"))));
        history.recordDelivery(conversation, partly.id(), new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, DeliveryReport.Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, DeliveryReport.Status.DEAD_LETTER, 4, "HTTP 503"))));

        assertEquals(List.of("Xin chào", "Alo?", "arrived in part"),
                history.recentTurns(conversation, 10).stream().map(Turn::text).toList());
    }

    @Test
    void deliveryReportsAreRecordedPerAction() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        history.record(a);
        AiRun run = run(conversation, 1, reply("Dạ"), a);
        history.recordAnswer(run);
        DeliveryReport report = new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, DeliveryReport.Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, DeliveryReport.Status.DEAD_LETTER, 4, "HTTP 503")));

        history.recordDelivery(conversation, run.id(), report);

        assertEquals(report, history.delivery(conversation, run.id()).orElseThrow());
        assertTrue(history.delivery(conversation, RunId.random()).isEmpty());
    }

    @Test
    void unansweredMessagesAreListedForRecoveryOldestFirst_withEverythingNeededToAnswerThem() {
        ConversationId conversation = newConversation();
        ConversationId other = newConversation();
        InboundMessage answered = message(conversation, "a", 0, "answered");
        InboundMessage waiting = message(conversation, "b", 1, "Cho mình hỏi còn lịch không ạ? 🙏");
        InboundMessage elsewhere = message(other, "c", 2, "another conversation");
        history.record(answered);
        history.record(waiting);
        history.record(elsewhere);
        history.recordAnswer(run(conversation, 1, reply("Dạ"), answered));

        List<InboundMessage> unanswered = history.unansweredRecordedBefore(java.time.Instant.parse("2100-01-01T00:00:00Z"), 10);

        assertEquals(List.of(waiting, elsewhere), unanswered);
        assertEquals(List.of(waiting), history.unansweredRecordedBefore(java.time.Instant.parse("2100-01-01T00:00:00Z"), 1));
        assertTrue(history.unansweredRecordedBefore(java.time.Instant.EPOCH, 10).isEmpty(), "nothing was recorded in 1970");
    }

    @Test
    void anAnswerStoredButNeverDelivered_isClaimedOnceForRedelivery_withItsOriginalKeyAndTime() {
        ConversationId conversation = newConversation();
        InboundMessage lost = message(conversation, "a", 0, "answered, never delivered");
        InboundMessage delivered = message(conversation, "b", 1, "answered and delivered");
        history.record(lost);
        history.record(delivered);
        AiRun lostRun = run(conversation, 3, reply("Dạ còn ạ 🙏"), lost);
        AiRun deliveredRun = run(conversation, 3, reply("delivered"), delivered);
        history.recordAnswer(lostRun);
        history.recordAnswer(deliveredRun);
        history.recordDelivery(conversation, deliveredRun.id(), new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, DeliveryReport.Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, DeliveryReport.Status.DELIVERED, 1, ""))));
        java.time.Instant later = java.time.Instant.parse("2100-01-01T00:00:00Z");
        Duration claim = Duration.ofMinutes(1);

        assertTrue(history.claimUndelivered(java.time.Instant.EPOCH, later, claim, 10).isEmpty(),
                "nothing was stored in 1970: a worker still delivering keeps its answer");
        List<chat.orchestrator.core.port.Delivery> claimed = history.claimUndelivered(later, later, claim, 10);

        assertEquals(1, claimed.size());
        chat.orchestrator.core.port.Delivery again = claimed.getFirst();
        assertEquals(lostRun.id(), again.runId());
        assertEquals(lostRun.id().toString(), again.idempotencyKey());
        assertEquals(conversation, again.conversationId());
        assertEquals(lostRun.fencingToken(), again.fencingToken());
        assertEquals(lostRun.reply(), again.reply());
        assertEquals(lostRun.finishedAt(), again.answeredAt());
        assertTrue(history.claimUndelivered(later, later, claim, 10).isEmpty(), "claimed: not handed out twice");
        assertEquals(1, history.claimUndelivered(later, later.plus(claim).plusSeconds(1), claim, 10).size(),
                "a claim that ran out (its claimer died) is handed out again");

        history.recordDelivery(conversation, lostRun.id(), new DeliveryReport(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, DeliveryReport.Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, DeliveryReport.Status.DELIVERED, 1, ""))));
        assertTrue(history.claimUndelivered(later, later.plus(Duration.ofDays(1)), claim, 10).isEmpty(),
                "a recorded delivery ends it");
    }

    @Test
    void racingRecordsOfOneMessageAreNewExactlyOnce() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");
        assertEquals(1, race(16, () -> history.record(hello) == RecordOutcome.NEW));
    }

    @Test
    void racingAnswersOfOverlappingBurstsCommitExactlyOnce() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        InboundMessage b = message(conversation, "b", 1, "b");
        history.record(a);
        history.record(b);
        List<AiRun> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(run(conversation, 5, reply("answer " + i), a, b));
        }
        int[] next = {0};
        int committed = race(8, () -> {
            AiRun mine;
            synchronized (next) {
                mine = runs.get(next[0]++);
            }
            return history.recordAnswer(mine) instanceof FencedWrite.Committed;
        });
        assertEquals(1, committed);
    }

    private static int race(int threads, Callable<Boolean> attempt) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return attempt.call();
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> result : results) {
                wins += result.get() ? 1 : 0;
            }
            return wins;
        } finally {
            pool.shutdownNow();
        }
    }
}
