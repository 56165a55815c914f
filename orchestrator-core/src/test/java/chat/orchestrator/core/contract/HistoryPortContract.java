package chat.orchestrator.core.contract;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Stores a sent answer, its delivery left to its holder until it finished: what the worker does. */
    private FencedWrite answer(AiRun run) {
        return history.recordAnswer(run, run.finishedAt());
    }

    @Test
    void aMessageIsNewOnceThenUnansweredThenAnswered() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

        assertEquals(RecordOutcome.NEW, history.record(hello));
        assertEquals(RecordOutcome.UNANSWERED, history.record(hello));
        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 1, reply("Dạ"), hello)));
        assertEquals(RecordOutcome.ANSWERED, history.record(hello));
    }

    @Test
    void aWriteWithAnOlderFencingTokenIsRefusedAfterANewerOneWrote() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        InboundMessage b = message(conversation, "b", 1, "b");
        history.record(a);
        history.record(b);

        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 7, reply("new"), a)));

        assertEquals(FencedWrite.stale(7), answer(run(conversation, 6, reply("old"), b)),
                "refused, naming the highest token seen");
        assertEquals(FencedWrite.stale(7), history.recordDiscarded(run(conversation, 6, reply("old"), b)));
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
        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 3, reply("fresh"), a, b)));
        assertInstanceOf(FencedWrite.Committed.class, answer(run(other, 1, reply("other"), c)));
    }

    @Test
    void aMessageCanBeAnsweredOnlyOnce() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        InboundMessage b = message(conversation, "b", 1, "b");
        history.record(a);
        history.record(b);
        answer(run(conversation, 1, reply("first"), a));

        FencedWrite second = answer(run(conversation, 2, reply("second"), a, b));

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
        answer(run(conversation, 1, reply, a));

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
        answer(new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(hi.id()),
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
    void theFence_bringsTheConversationsUnansweredMessages_inTimestampOrder() {
        ConversationId conversation = newConversation();
        InboundMessage answered = message(conversation, "a", 0, "a");
        InboundMessage late = message(conversation, "c", 2_000, "c");
        InboundMessage early = message(conversation, "b", 1_000, "b");
        history.record(answered);
        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 1, reply("to a"), answered)));
        history.record(late);
        history.record(early);

        FenceRaised fence = history.raiseFence(conversation, new FencingToken(2), 10);

        assertInstanceOf(FencedWrite.Committed.class, fence.write());
        assertEquals(List.of(early, late), fence.unanswered(), "exactly as recorded, oldest first, none answered");
        assertEquals(List.of(early), history.raiseFence(conversation, new FencingToken(2), 1).unanswered());
        FenceRaised refused = history.raiseFence(conversation, new FencingToken(1), 10);
        assertEquals(FencedWrite.stale(2), refused.write());
        assertEquals(List.of(), refused.unanswered(), "a refused fence reads nothing");
    }

    /**
     * A pass reads with its fence everything it needs, each read as the plain method gives it: what is unanswered,
     * which of its batch is answered, the stored hand-off and the recent turns.
     */
    @Test
    void theFenceReadsWhatThePassNeeds_asTheMethodsThatReadEachWould() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "Cho mình hỏi giá");
        InboundMessage b = message(conversation, "b", 1, "còn lịch không ạ");
        InboundMessage c = message(conversation, "c", 2, "thứ 7");
        history.record(a);
        history.record(b);
        history.record(c);
        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 1, reply("Dạ còn ạ"), a)));
        Handoff handoff = new Handoff(Instant.parse("2099-01-01T00:00:00.123456Z"), Handoff.By.ADMIN, "operator",
                Instant.parse("2099-01-01T00:00:00.123456Z"));
        assertTrue(history.handOff(conversation, handoff));

        FenceRaised fence = history.raiseFence(conversation, new FencingToken(2),
                new FenceRaised.Reads(Set.of(a.id(), c.id()), 10, 5));

        assertInstanceOf(FencedWrite.Committed.class, fence.write());
        assertEquals(List.of(b, c), fence.unanswered());
        assertEquals(Set.of(a.id()), fence.answered());
        assertEquals(Optional.of(handoff), fence.handoff());
        assertEquals(history.recentTurns(conversation, 5), fence.recentTurns());
        assertEquals(2, fence.recentTurns().size(), "the answered message, then its answer");
        assertEquals(history.recentTurns(conversation, 1),
                history.raiseFence(conversation, new FencingToken(2), new FenceRaised.Reads(Set.of(), 0, 1))
                        .recentTurns());
        assertEquals(FencedWrite.stale(2), answer(run(conversation, 1, reply("older holder"), b)),
                "the fence rose: an older holder's answer is refused");

        FenceRaised refused = history.raiseFence(conversation, new FencingToken(1),
                new FenceRaised.Reads(Set.of(a.id()), 10, 5));
        assertEquals(FencedWrite.stale(2), refused.write());
        assertEquals(new FenceRaised(FencedWrite.stale(2), List.of()), refused, "a refused fence reads nothing");
        FenceRaised nothing = history.raiseFence(newConversation(), new FencingToken(1),
                new FenceRaised.Reads(Set.of(), 10, 5));
        assertEquals(new FenceRaised(FencedWrite.committed(), List.of()), nothing);
    }

    @Test
    void raisingTheFenceAtLeaseStart_refusesAnOlderHolderThatHasNotWrittenYet() {
        ConversationId conversation = newConversation();
        InboundMessage a = message(conversation, "a", 0, "a");
        history.record(a);

        assertInstanceOf(FencedWrite.Committed.class, history.raiseFence(conversation, new FencingToken(5)));
        assertInstanceOf(FencedWrite.Committed.class, history.raiseFence(conversation, new FencingToken(5)),
                "the same holder raises it again on its next pass");

        assertEquals(FencedWrite.stale(5), answer(run(conversation, 4, reply("paused holder"), a)));
        assertEquals(FencedWrite.stale(5), history.raiseFence(conversation, new FencingToken(3)));
        assertEquals(RecordOutcome.UNANSWERED, history.record(a));
        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 5, reply("holder"), a)));
        assertInstanceOf(FencedWrite.Committed.class, history.raiseFence(newConversation(), new FencingToken(1)),
                "a conversation with nothing recorded has nothing to fence");
    }

    @Test
    void conversationsWithUnansweredMessagesArePagedInIdOrder_andTheirMessagesListedWhole() {
        List<ConversationId> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ConversationId conversation = newConversation();
            history.record(message(conversation, "m", 0, "waiting " + i));
            waiting.add(conversation);
        }
        ConversationId answeredOne = newConversation();
        InboundMessage done = message(answeredOne, "d", 0, "done");
        history.record(done);
        answer(run(answeredOne, 1, reply("Dạ"), done));
        java.time.Instant later = java.time.Instant.parse("2100-01-01T00:00:00Z");

        List<ConversationId> seen = new ArrayList<>();
        java.util.Optional<ConversationId> after = java.util.Optional.empty();
        while (true) {
            List<ConversationId> page = history.conversationsWithUnanswered(later, after, 2);
            if (page.isEmpty()) {
                break;
            }
            assertTrue(page.size() <= 2);
            seen.addAll(page);
            after = java.util.Optional.of(page.getLast());
        }

        List<ConversationId> expected = waiting.stream()
                .sorted(java.util.Comparator.comparing(ConversationId::value)).toList();
        List<ConversationId> ours = seen.stream().filter(waiting::contains).toList();
        assertEquals(expected, ours, "every waiting conversation once, in id order");
        assertTrue(!seen.contains(answeredOne), "an answered conversation is not listed");
        assertTrue(history.conversationsWithUnanswered(java.time.Instant.EPOCH, java.util.Optional.empty(), 10).isEmpty(),
                "nothing was recorded in 1970");
    }

    @Test
    void theUnansweredMessagesOfAConversationComeInTimestampOrder_exactlyAsRecorded() {
        ConversationId conversation = newConversation();
        InboundMessage answered = message(conversation, "a", 0, "answered");
        InboundMessage late = message(conversation, "c", 3_000, "Cho mình hỏi còn lịch không ạ? 🙏");
        InboundMessage early = message(conversation, "b", 1_000, "early");
        history.record(answered);
        history.record(late);
        history.record(early);
        answer(run(conversation, 1, reply("Dạ"), answered));

        assertEquals(List.of(early, late), history.unanswered(conversation, 10));
        assertEquals(List.of(early), history.unanswered(conversation, 1));
        assertTrue(history.unanswered(newConversation(), 10).isEmpty());
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
            return answer(mine) instanceof FencedWrite.Committed;
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

    private static AiReply transfer(String reason) {
        return new AiReply("Dạ, em chuyển chị sang nhân viên tư vấn ạ.", "human_handoff", 0.81, Map.of(), "test-model",
                Duration.ofMillis(42), List.of(new Action.TransferToAgent(reason, "")));
    }

    @Test
    void aHandoffIsStoredReplacedAndRemoved_onlyForAConversationWithARecordedMessage() {
        ConversationId conversation = newConversation();
        ConversationId other = newConversation();
        ConversationId unknown = newConversation();
        history.record(message(conversation, "a", 0, "a"));
        history.record(message(other, "b", 0, "b"));
        Handoff byAdmin = Handoff.starting(TestMessages.BASE, Handoff.By.ADMIN, "VIP khách quen");
        Handoff again = Handoff.starting(TestMessages.BASE.plusSeconds(5), Handoff.By.ADMIN, "");

        assertTrue(history.handOff(conversation, byAdmin));
        assertEquals(Optional.of(byAdmin), history.handoff(conversation), "read back whole");
        assertTrue(history.handOff(conversation, again));
        assertEquals(Optional.of(again), history.handoff(conversation), "a later hand-off replaces the earlier");
        assertEquals(Optional.empty(), history.handoff(other), "kept per conversation");
        assertEquals(Map.of(conversation, again), history.handoffs(Set.of(conversation, other, unknown)));

        assertFalse(history.handOff(unknown, byAdmin), "nothing recorded: unknown");
        assertEquals(Optional.empty(), history.handoff(unknown), "and nothing stored for it");
        assertFalse(history.resume(unknown));

        assertTrue(history.resume(conversation));
        assertEquals(Optional.empty(), history.handoff(conversation));
        assertTrue(history.resume(conversation), "resuming twice is the same as once");
    }

    @Test
    void anAnswerWithATransferHandsOffWhenStored_butNotWhenDiscardedOrRefused() {
        ConversationId stored = newConversation();
        InboundMessage agent = message(stored, "a", 0, "Cho mình gặp nhân viên");
        history.record(agent);
        AiRun run = run(stored, 2, transfer("customer_request"), agent);

        assertInstanceOf(FencedWrite.Committed.class, answer(run));

        assertEquals(Optional.of(Handoff.starting(run.finishedAt(), Handoff.By.AI, "customer_request")),
                history.handoff(stored));

        ConversationId discarded = newConversation();
        InboundMessage b = message(discarded, "b", 0, "Cho mình gặp nhân viên");
        history.record(b);
        history.recordDiscarded(run(discarded, 1, transfer("customer_request"), b));
        assertEquals(Optional.empty(), history.handoff(discarded), "a discarded answer hands nothing off");

        history.raiseFence(discarded, new FencingToken(9));
        assertInstanceOf(FencedWrite.Refused.class, answer(run(discarded, 8, transfer("customer_request"), b)));
        assertEquals(Optional.empty(), history.handoff(discarded), "nor does a refused one");
    }

    @Test
    void aBurstHandedOffIsConsumedWithoutAnAnswer_andMovesTheIdleClock() {
        ConversationId conversation = newConversation();
        InboundMessage hi = message(conversation, "hi", 1_000, "Xin chào");
        InboundMessage ask = message(conversation, "ask", 2_000, "Chị ơi còn hàng không?");
        InboundMessage later = message(conversation, "later", 3_000, "later");
        history.record(hi);
        history.record(ask);
        history.record(later);
        answer(run(conversation, 1, reply("Dạ"), hi));
        Handoff handoff = Handoff.starting(TestMessages.BASE.plusSeconds(10), Handoff.By.ADMIN, "");
        history.handOff(conversation, handoff);
        Instant at = TestMessages.BASE.plusSeconds(20);

        assertInstanceOf(FencedWrite.Committed.class,
                history.recordHandedOff(conversation, new FencingToken(2), Set.of(ask.id()), at));

        assertEquals(Set.of(ask.id()), history.answeredAmong(conversation, Set.of(ask.id(), later.id())));
        assertEquals(RecordOutcome.ANSWERED, history.record(ask), "a redelivery is a duplicate");
        assertEquals(Optional.empty(), history.answerFor(conversation, ask.id()), "no answer covers it");
        assertEquals(List.of(later), history.unanswered(conversation, 10), "nothing left for recovery to put back");
        assertEquals(List.of("Xin chào", "Dạ"), history.recentTurns(conversation, 10).stream().map(Turn::text).toList(),
                "no turn of the AI's context");
        assertEquals(Optional.of(new Handoff(handoff.since(), Handoff.By.ADMIN, "", at)), history.handoff(conversation));

        assertEquals(new FencedWrite.Refused(FencedWrite.Reason.ALREADY_ANSWERED),
                history.recordHandedOff(conversation, new FencingToken(2), Set.of(ask.id(), later.id()), at));
        assertEquals(FencedWrite.stale(2),
                history.recordHandedOff(conversation, new FencingToken(1), Set.of(later.id()), at));
        assertEquals(RecordOutcome.UNANSWERED, history.record(later), "a refused write leaves no trace");
    }

    @Test
    void aBurstIsNotStoredAsThePeoplesOnceTheConversationWasHandedBack() {
        ConversationId conversation = newConversation();
        InboundMessage ask = message(conversation, "ask", 0, "Chị ơi còn hàng không?");
        history.record(ask);
        history.handOff(conversation, Handoff.starting(TestMessages.BASE, Handoff.By.ADMIN, ""));
        history.resume(conversation);

        assertEquals(new FencedWrite.Refused(FencedWrite.Reason.NOT_HANDED_OFF), history.recordHandedOff(conversation,
                new FencingToken(3), Set.of(ask.id()), TestMessages.BASE.plusSeconds(1)));

        assertEquals(RecordOutcome.UNANSWERED, history.record(ask), "left for the bot to answer");
        assertEquals(Optional.empty(), history.handoff(conversation));
        assertInstanceOf(FencedWrite.Committed.class, answer(run(conversation, 2, reply("Dạ còn ạ"), ask)),
                "the refused write did not raise the fence");
    }
}
