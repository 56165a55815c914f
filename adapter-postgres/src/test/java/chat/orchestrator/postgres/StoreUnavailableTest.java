package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StoreUnavailableException;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A database that cannot be reached is a retryable failure naming what was attempted, never a silent outcome. */
class StoreUnavailableTest {
    private final ConversationId conversation = newConversation();
    private final InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

    @Test
    void aDataSourceThatCannotConnectMakesEveryOperationUnavailable() throws SQLException {
        DataSource refusing = mock(DataSource.class);
        when(refusing.getConnection()).thenThrow(new SQLException("Connection refused"));
        PostgresHistory history = new PostgresHistory(refusing);

        StoreUnavailableException failure = assertThrows(StoreUnavailableException.class, () -> history.record(hello));

        assertTrue(failure.getMessage().contains("record message m1 for conversation " + conversation),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("Connection refused"), failure.getMessage());
        assertThrows(StoreUnavailableException.class,
                () -> history.recordAnswer(run(conversation, 1, reply("Dạ"), hello), BASE));
        assertThrows(StoreUnavailableException.class, () -> history.raiseFence(conversation, new FencingToken(1)));
        assertThrows(StoreUnavailableException.class, () -> history.recentTurns(conversation, 10));
        assertThrows(StoreUnavailableException.class, () -> history.answeredAmong(conversation, Set.of(hello.id())));
        StoreUnavailableException recovery = assertThrows(StoreUnavailableException.class,
                () -> history.conversationsWithUnanswered(Instant.parse("2026-11-25T09:41:27Z"), Optional.empty(), 100));
        assertTrue(recovery.getMessage().contains(
                "list conversations with messages unanswered since before 2026-11-25T09:41:27Z"), recovery.getMessage());
        assertThrows(StoreUnavailableException.class, () -> history.unanswered(conversation, 100));

        PostgresOutbox outbox = new PostgresOutbox(refusing);
        StoreUnavailableException claim = assertThrows(StoreUnavailableException.class,
                () -> outbox.claimNext(conversation, Duration.ofSeconds(30)));
        assertTrue(claim.getMessage().contains("claim the next answer for conversation " + conversation),
                claim.getMessage());
        assertThrows(StoreUnavailableException.class, () -> outbox.claimDue(Duration.ofSeconds(30), 10));
        assertThrows(StoreUnavailableException.class, () -> outbox.list(DeliveryState.DEAD_LETTER, 10));
        assertThrows(StoreUnavailableException.class, () -> outbox.count(DeliveryState.DEAD_LETTER));
        assertThrows(StoreUnavailableException.class, () -> outbox.retry(RunId.random(), BASE));
        assertThrows(StoreUnavailableException.class, () -> new PostgresBotProfiles(refusing).current());
        assertThrows(StoreUnavailableException.class, () -> new PostgresBotProfiles(refusing).save(BotProfile.DEFAULT));
    }

    @Test
    void aServerThatIsNotListeningTimesOutAsUnavailableAndReportsUnhealthy() throws IOException {
        PostgresSettings nowhere = PostgresSettings.of("127.0.0.1", freePort(), "orchestrator", "postgres", "")
                .withSslMode(PostgresSslMode.DISABLE)
                .withConnectionTimeout(Duration.ofMillis(500));
        try (HikariDataSource pool = PostgresDataSourceFactory.create(nowhere)) {
            PostgresHistory history = new PostgresHistory(pool);

            StoreUnavailableException failure = assertThrows(StoreUnavailableException.class,
                    () -> history.answerFor(conversation, hello.id()));

            assertTrue(failure.getMessage().contains("read the answer to message m1 for conversation " + conversation),
                    failure.getMessage());
            PostgresHealth health = new PostgresHealthCheck(pool).check();
            assertFalse(health.reachable());
            assertFalse(health.problem().isEmpty());
        }
    }

    @Test
    void aStatementTheDatabaseRejectsIsADefectNotAnOutage() {
        try (TestDatabase database = TestDatabase.migrated()) {
            database.sql().dropTable(MESSAGES).cascade().execute();
            PostgresHistory history = new PostgresHistory(database.pool());

            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> history.record(hello));

            assertTrue(failure.getMessage().contains("SQLSTATE 42P01"), failure.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
