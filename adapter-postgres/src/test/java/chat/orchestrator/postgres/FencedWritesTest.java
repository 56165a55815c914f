package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.DELIVERIES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;
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

        assertInstanceOf(FencedWrite.Committed.class, answer(newer));
        assertEquals(FencedWrite.stale(7), answer(staleAnswer));
        assertEquals(FencedWrite.stale(7), history.recordDiscarded(staleDiscard));

        assertEquals(List.of(newer.id().value()), database.sql().select(AI_RUNS.ID).from(AI_RUNS).fetch(AI_RUNS.ID));
        assertEquals(List.of(newer.id().value()),
                database.sql().selectDistinct(MESSAGE_ACTIONS.RUN_ID).from(MESSAGE_ACTIONS).fetch(MESSAGE_ACTIONS.RUN_ID));
        assertEquals(2, database.sql().fetchCount(MESSAGE_ACTIONS));
        assertEquals(List.of(newer.id().value()), database.sql().select(DELIVERIES.RUN_ID).from(DELIVERIES)
                .fetch(DELIVERIES.RUN_ID), "only the fenced holder's answer is queued for delivery");
        assertNull(answeredBy(second), "the stale holder consumed nothing");
        assertEquals(7L, highestToken());
    }

    @Test
    void aNewerHolderRaisesTheFenceEvenWithADiscardedRun() {
        assertInstanceOf(FencedWrite.Committed.class,
                history.recordDiscarded(run(conversation, 9, reply("discarded"), first, second)));

        assertEquals(FencedWrite.stale(9), answer(run(conversation, 8, reply("late"), first, second)));
        assertEquals(9L, highestToken());
        assertEquals(List.of(AiRunRows.DISCARDED), database.sql().select(AI_RUNS.OUTCOME).from(AI_RUNS).fetch(AI_RUNS.OUTCOME));
        assertEquals(0, database.sql().fetchCount(MESSAGE_ACTIONS), "a discarded run queues nothing to send");
        assertEquals(0, database.sql().fetchCount(DELIVERIES));
    }

    @Test
    void anAlreadyAnsweredRefusalRollsBackTheFenceItRaised() {
        answer(run(conversation, 3, reply("first answer"), first));

        FencedWrite refused = answer(run(conversation, 5, reply("second answer"), first, second));

        assertEquals(FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED), refused);
        assertEquals(3L, highestToken(), "nothing of the refused write remains, not even its token");
        assertEquals(1, database.sql().fetchCount(AI_RUNS));
        assertEquals(1, database.sql().fetchCount(DELIVERIES));
        assertNull(answeredBy(second));
    }

    /**
     * The one-round-trip commit and fence read rest on this: the statement that decides runs after the one that
     * waited for the conversation row's lock, so its snapshot holds an answer committed while it waited. (Were the
     * two one statement, its snapshot would predate the lock, and the burst would be answered twice.)
     */
    @Test
    void anAnswerCommittedWhileTheCommitWaitedForTheRowLock_isSeen_andRefusesIt() throws Exception {
        UUID other = UUID.randomUUID();
        CommittedAnswer committed = whileAnotherHolderAnswersFirst(other, () -> history.commitAnswer(
                run(conversation, 2, reply("second holder"), first), BASE, Optional.of(Duration.ofSeconds(30))));

        assertEquals(FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED), committed.write());
        assertEquals(other, answeredBy(first));
        assertEquals(1, database.sql().fetchCount(AI_RUNS));
        assertEquals(0, database.sql().fetchCount(DELIVERIES));
    }

    @Test
    void anAnswerCommittedWhileTheFenceWaitedForTheRowLock_isReadAsAnswered() throws Exception {
        FenceRaised fence = whileAnotherHolderAnswersFirst(UUID.randomUUID(), () -> history.raiseFence(conversation,
                new FencingToken(2), new FenceRaised.Reads(Set.of(first.id(), second.id()), 10, 10)));

        assertInstanceOf(FencedWrite.Committed.class, fence.write());
        assertEquals(Set.of(first.id()), fence.answered());
        assertEquals(List.of(second), fence.unanswered());
        assertEquals(2L, highestToken());
    }

    /**
     * Runs {@code work} while another transaction holds the conversation row's lock (as a holder's commit does), and
     * that transaction, once the work waits for the lock, stores run {@code other} answering {@code first}.
     */
    private <T> T whileAnotherHolderAnswersFirst(UUID other, Callable<T> work) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection holder = database.pool().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("select id from conversations where id = '" + conversation.value()
                        + "' for no key update");
                statement.execute("insert into ai_runs (id, conversation_id, message_ids, response_text, intent,"
                        + " confidence, entities, model, processing_time_ms, fencing_token, outcome, finished_at)"
                        + " values ('" + other + "', '" + conversation.value() + "', array['first'], 'Dạ', 'x', 0.5,"
                        + " '{}', 'm', 1, 1, 'sent', now())");
                statement.execute("update messages set answered_by = '" + other + "' where conversation_id = '"
                        + conversation.value() + "' and message_id = 'first'");
            }
            Future<T> waiting = executor.submit(work);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (database.sql().fetchCount(DSL.table("pg_stat_activity"),
                    DSL.field("wait_event_type").eq("Lock")) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the work never waited for the row lock");
                }
                Thread.sleep(10);
            }
            holder.commit();
            return waiting.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void theSameRunStoredTwiceIsCommittedOnce() {
        AiRun answer = run(conversation, 4, reply("Dạ"), first);
        AiRun discarded = run(conversation, 4, reply("stale"), second);

        assertInstanceOf(FencedWrite.Committed.class, history.recordDiscarded(discarded));
        assertInstanceOf(FencedWrite.Committed.class, history.recordDiscarded(discarded));
        assertInstanceOf(FencedWrite.Committed.class, answer(answer));
        assertInstanceOf(FencedWrite.Committed.class, answer(answer),
                "a retry after a lost commit acknowledgement finds its own write");

        assertEquals(2, database.sql().fetchCount(AI_RUNS));
        assertEquals(answer.reply().actions().size(), database.sql().fetchCount(MESSAGE_ACTIONS));
        assertEquals(1, database.sql().fetchCount(DELIVERIES), "queued once");
    }

    @Test
    void aRunAnsweringAMessageNeverRecordedIsRejectedAndLeavesNoTrace() {
        InboundMessage unknown = message(conversation, "never-recorded", 2_000, "?");

        assertThrows(IllegalArgumentException.class,
                () -> answer(run(conversation, 2, reply("Dạ"), first, unknown)));

        assertEquals(0, database.sql().fetchCount(AI_RUNS));
        assertEquals(0, database.sql().fetchCount(DELIVERIES));
        assertNull(answeredBy(first));
        assertEquals(0L, highestToken());
    }

    @Test
    void aRefusedFenceRaiseChangesNothing_andAConversationNeverRecordedGetsNoRow() {
        assertInstanceOf(FencedWrite.Committed.class, history.raiseFence(conversation, new FencingToken(4)));
        assertEquals(4L, highestToken());

        assertEquals(FencedWrite.stale(4), history.raiseFence(conversation, new FencingToken(2)));
        assertEquals(4L, highestToken());

        ConversationId unknown = newConversation();
        assertInstanceOf(FencedWrite.Committed.class, history.raiseFence(unknown, new FencingToken(1)));
        assertEquals(0, database.sql().fetchCount(CONVERSATIONS, CONVERSATIONS.ID.eq(unknown.value())));
    }

    @Test
    void answersAreQueuedInCommitOrder_whateverTheirHoldersClocksSay() {
        AiRun earlier = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(first.id()),
                reply("committed first"), BASE.plusSeconds(90));
        AiRun later = new AiRun(RunId.random(), conversation, new FencingToken(2), List.of(second.id()),
                reply("committed second, clock behind"), BASE.plusSeconds(30));
        answer(earlier);
        answer(later);

        assertEquals(List.of(earlier.id().value(), later.id().value()), database.sql().select(DELIVERIES.RUN_ID)
                .from(DELIVERIES).orderBy(DELIVERIES.COMMIT_SEQ).fetch(DELIVERIES.RUN_ID));
        assertEquals(List.of(BASE.plusSeconds(90), BASE.plusSeconds(30)), database.sql().select(DELIVERIES.QUEUED_AT)
                .from(DELIVERIES).orderBy(DELIVERIES.COMMIT_SEQ).fetch(DELIVERIES.QUEUED_AT),
                "the horizon starts when each answer was made");
    }

    private FencedWrite answer(AiRun run) {
        return history.recordAnswer(run, run.finishedAt());
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
