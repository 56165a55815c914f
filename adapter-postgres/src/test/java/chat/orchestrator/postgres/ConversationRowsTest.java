package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.domain.Turn.Role;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.postgres.schema.tables.records.ConversationsRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The conversation row the admin listing reads, and the turns the AI is given, over several bursts. */
class ConversationRowsTest {
    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool());
    private final ConversationId conversation = newConversation();

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aLateMessageIsCountedButDoesNotMoveTheLastMessageBack() {
        history.record(message(conversation, "second", 2_000, "b"));
        history.record(message(conversation, "first-arriving-late", 1_000, "a"));
        history.record(message(conversation, "second", 2_000, "b (redelivered)"));

        ConversationsRecord row = conversationRow();
        assertEquals(2L, row.getTotalMessages());
        assertEquals("second", row.getLastMessageId());
        assertEquals(BASE.plusMillis(2_000), row.getLastMessageTimestamp());

        history.record(message(conversation, "third", 3_000, "c"));
        assertEquals("third", conversationRow().getLastMessageId());
        assertEquals(3L, conversationRow().getTotalMessages());
    }

    /**
     * A new conversation's first messages recorded at once from many threads, some of them twice: the racing inserts
     * of its row become one row that counts each message once, and every id is NEW exactly once.
     */
    @Test
    void messagesRecordedAtOnceIntoANewConversation_areEachCountedOnce() throws Exception {
        int messages = 40;
        List<Callable<RecordOutcome>> records = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            InboundMessage each = message(conversation, "m" + i, i, "text " + i);
            records.add(() -> history.record(each));
            records.add(() -> history.record(each));
        }
        List<RecordOutcome> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            for (Future<RecordOutcome> outcome : threads.invokeAll(records)) {
                outcomes.add(outcome.get());
            }
        }

        assertEquals(messages, outcomes.stream().filter(o -> o == RecordOutcome.NEW).count());
        assertEquals(messages, outcomes.stream().filter(o -> o == RecordOutcome.UNANSWERED).count());
        ConversationsRecord row = conversationRow();
        assertEquals(messages, row.getTotalMessages());
        assertEquals("m" + (messages - 1), row.getLastMessageId());
        assertEquals(BASE.plusMillis(messages - 1), row.getLastMessageTimestamp());
    }

    @Test
    void recentTurnsGoBurstByBurstAndKeepOnlyTheLastOnes() {
        InboundMessage a = message(conversation, "a", 1_000, "Xin chào");
        InboundMessage b = message(conversation, "b", 2_000, "Cho mình đặt lịch");
        InboundMessage c = message(conversation, "c", 5_000, "Sáng thứ Hai nhé");
        InboundMessage d = message(conversation, "d", 8_000, "Cảm ơn");
        List.of(b, a, c, d).forEach(history::record);
        answer(run(1, BASE.plusMillis(3_000), "Dạ, chị muốn khám gì ạ?", b, a));
        history.recordDiscarded(run(2, BASE.plusMillis(5_500), "stale", c));
        answer(run(2, BASE.plusMillis(6_000), "Dạ em đặt 8:00 thứ Hai ạ", c));

        List<Turn> all = List.of(
                new Turn(Role.CUSTOMER, "Xin chào", BASE.plusMillis(1_000)),
                new Turn(Role.CUSTOMER, "Cho mình đặt lịch", BASE.plusMillis(2_000)),
                new Turn(Role.BOT, "Dạ, chị muốn khám gì ạ?", BASE.plusMillis(3_000)),
                new Turn(Role.CUSTOMER, "Sáng thứ Hai nhé", BASE.plusMillis(5_000)),
                new Turn(Role.BOT, "Dạ em đặt 8:00 thứ Hai ạ", BASE.plusMillis(6_000)));
        assertEquals(all, history.recentTurns(conversation, 50), "d is not answered yet, so not a turn");
        assertEquals(all.subList(2, 5), history.recentTurns(conversation, 3));
        assertEquals(List.of(), history.recentTurns(conversation, 0));
        assertEquals(List.of(), history.recentTurns(newConversation(), 10));
    }

    @Test
    void recentTurnsFollowTheOrderTheAnswersCommitted_notTheHoldersClocks() {
        InboundMessage a = message(conversation, "a", 1_000, "Xin chào");
        InboundMessage b = message(conversation, "b", 2_000, "Alo?");
        List.of(a, b).forEach(history::record);
        answer(run(1, BASE.plusMillis(9_000), "first answer", a));
        // Another instance, its clock behind: finished "earlier", committed later, and delivered later.
        answer(run(2, BASE.plusMillis(4_000), "second answer", b));

        assertEquals(List.of("Xin chào", "first answer", "Alo?", "second answer"),
                history.recentTurns(conversation, 10).stream().map(Turn::text).toList());
    }

    private void answer(AiRun run) {
        history.recordAnswer(run, run.finishedAt());
    }

    private AiRun run(long token, Instant finishedAt, String text, InboundMessage... answered) {
        return new AiRun(RunId.random(), conversation, new FencingToken(token),
                java.util.Arrays.stream(answered).map(InboundMessage::id).toList(), reply(text), finishedAt);
    }

    private ConversationsRecord conversationRow() {
        return database.sql().selectFrom(CONVERSATIONS).where(CONVERSATIONS.ID.eq(conversation.value())).fetchSingle();
    }
}
