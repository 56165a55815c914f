package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.RecordOutcome;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dedup lives in the database, so it holds across restarts and between instances sharing it. */
class DeduplicationAcrossInstancesTest {
    private final TestDatabase database = TestDatabase.migrated();
    private final ConversationId conversation = newConversation();
    private final InboundMessage hello = message(conversation, "msg_67890", 0, "Tôi muốn đặt lịch khám bệnh");

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aRestartedInstanceRefusesAMessageItStoredBefore() {
        HikariDataSource beforeRestart = database.openPool();
        assertEquals(RecordOutcome.NEW, new PostgresHistory(beforeRestart).record(hello));
        beforeRestart.close();

        PostgresHistory afterRestart = new PostgresHistory(database.openPool());
        assertEquals(RecordOutcome.UNANSWERED, afterRestart.record(hello));
        AiRun answer = run(conversation, 1, reply("Dạ"), hello);
        afterRestart.recordAnswer(answer, answer.finishedAt());

        PostgresHistory afterSecondRestart = new PostgresHistory(database.openPool());
        assertEquals(RecordOutcome.ANSWERED, afterSecondRestart.record(hello));
        assertEquals("Dạ", afterSecondRestart.answerFor(conversation, hello.id()).orElseThrow().text());
    }

    @Test
    void twoInstancesRecordingTheSameMessageAtOnceSeeItNewExactlyOnce() throws Exception {
        List<PostgresHistory> instances = List.of(new PostgresHistory(database.openPool()),
                new PostgresHistory(database.openPool()));
        int attempts = 12;
        ExecutorService threads = Executors.newFixedThreadPool(attempts);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<RecordOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                PostgresHistory instance = instances.get(i % instances.size());
                outcomes.add(threads.submit(() -> {
                    start.await();
                    return instance.record(hello);
                }));
            }
            start.countDown();
            List<RecordOutcome> seen = new ArrayList<>();
            for (Future<RecordOutcome> outcome : outcomes) {
                seen.add(outcome.get());
            }

            assertEquals(1, seen.stream().filter(RecordOutcome.NEW::equals).count());
            assertEquals(attempts - 1, seen.stream().filter(RecordOutcome.UNANSWERED::equals).count());
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, database.sql().fetchCount(MESSAGES));
        assertEquals(1L, database.sql().select(CONVERSATIONS.TOTAL_MESSAGES).from(CONVERSATIONS)
                .fetchSingle(CONVERSATIONS.TOTAL_MESSAGES));
    }
}
