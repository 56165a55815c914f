package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencedWrite;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Beyond the contract: what a refused or repeated fenced write leaves in the tables themselves. */
class FencedWritesTest {
    private TestDatabase database;
    private PostgresHistory history;
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = message(conversation, "first", 0, "Cho mình hỏi lịch khám");
    private final InboundMessage second = message(conversation, "second", 1_000, "Sáng thứ Hai còn chỗ không?");

    @BeforeEach
    void openStore() {
        database = TestDatabase.migrated();
        history = new PostgresHistory(database.pool());
        history.record(first);
        history.record(second);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aStaleHolderCannotWriteAnAiRunOrActionsAfterANewerHolderHas() {
        AiRun newer = run(conversation, 7, reply("Dạ còn ạ"), first);
        AiRun staleAnswer = run(conversation, 6, reply("stale answer"), second);
        AiRun staleDiscard = run(conversation, 6, reply("stale discard"), second);

        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(newer));
        assertEquals(FencedWrite.refused(FencedWrite.Reason.STALE_FENCING_TOKEN), history.recordAnswer(staleAnswer));
        assertEquals(FencedWrite.refused(FencedWrite.Reason.STALE_FENCING_TOKEN), history.recordDiscarded(staleDiscard));

        assertEquals(List.of(newer.id().value()), database.sql().select(AI_RUNS.ID).from(AI_RUNS).fetch(AI_RUNS.ID));
        assertEquals(List.of(newer.id().value()),
                database.sql().selectDistinct(MESSAGE_ACTIONS.RUN_ID).from(MESSAGE_ACTIONS).fetch(MESSAGE_ACTIONS.RUN_ID));
        assertEquals(2, database.sql().fetchCount(MESSAGE_ACTIONS));
        assertNull(answeredBy(second), "the stale holder consumed nothing");
        assertEquals(7L, highestToken());
    }

    @Test
    void aNewerHolderRaisesTheFenceEvenWithADiscardedRun() {
        assertInstanceOf(FencedWrite.Committed.class,
                history.recordDiscarded(run(conversation, 9, reply("discarded"), first, second)));

        assertEquals(FencedWrite.refused(FencedWrite.Reason.STALE_FENCING_TOKEN),
                history.recordAnswer(run(conversation, 8, reply("late"), first, second)));
        assertEquals(9L, highestToken());
        assertEquals(List.of(AiRunRows.DISCARDED), database.sql().select(AI_RUNS.OUTCOME).from(AI_RUNS).fetch(AI_RUNS.OUTCOME));
        assertEquals(0, database.sql().fetchCount(MESSAGE_ACTIONS), "a discarded run queues nothing to send");
    }

    @Test
    void anAlreadyAnsweredRefusalRollsBackTheFenceItRaised() {
        history.recordAnswer(run(conversation, 3, reply("first answer"), first));

        FencedWrite refused = history.recordAnswer(run(conversation, 5, reply("second answer"), first, second));

        assertEquals(FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED), refused);
        assertEquals(3L, highestToken(), "nothing of the refused write remains, not even its token");
        assertEquals(1, database.sql().fetchCount(AI_RUNS));
        assertNull(answeredBy(second));
    }

    @Test
    void theSameRunStoredTwiceIsCommittedOnce() {
        AiRun answer = run(conversation, 4, reply("Dạ"), first);
        AiRun discarded = run(conversation, 4, reply("stale"), second);

        assertInstanceOf(FencedWrite.Committed.class, history.recordDiscarded(discarded));
        assertInstanceOf(FencedWrite.Committed.class, history.recordDiscarded(discarded));
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(answer));
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(answer),
                "a retry after a lost commit acknowledgement finds its own write");

        assertEquals(2, database.sql().fetchCount(AI_RUNS));
        assertEquals(answer.reply().actions().size(), database.sql().fetchCount(MESSAGE_ACTIONS));
    }

    @Test
    void aRunAnsweringAMessageNeverRecordedIsRejectedAndLeavesNoTrace() {
        InboundMessage unknown = message(conversation, "never-recorded", 2_000, "?");

        assertThrows(IllegalArgumentException.class,
                () -> history.recordAnswer(run(conversation, 2, reply("Dạ"), first, unknown)));

        assertEquals(0, database.sql().fetchCount(AI_RUNS));
        assertNull(answeredBy(first));
        assertEquals(0L, highestToken());
    }

    private UUID answeredBy(InboundMessage message) {
        return database.sql().select(MESSAGES.ANSWERED_BY).from(MESSAGES)
                .where(MESSAGES.CONVERSATION_ID.eq(conversation.value()), MESSAGES.MESSAGE_ID.eq(message.id().value()))
                .fetchSingle(MESSAGES.ANSWERED_BY);
    }

    private long highestToken() {
        return database.sql().select(CONVERSATIONS.MAX_FENCING_TOKEN).from(CONVERSATIONS)
                .where(CONVERSATIONS.ID.eq(conversation.value())).fetchSingle(CONVERSATIONS.MAX_FENCING_TOKEN);
    }
}
