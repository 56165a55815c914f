package chat.orchestrator.postgres;

import chat.orchestrator.core.contract.HistoryPortContract;
import chat.orchestrator.core.port.HistoryPort;
import org.junit.jupiter.api.AfterEach;

/** The shared history contract, against a real PostgreSQL with a fresh database per test. */
class PostgresHistoryContractTest extends HistoryPortContract {
    private TestDatabase database;

    @Override
    protected HistoryPort freshHistory() {
        database = TestDatabase.migrated();
        return new PostgresHistory(database.pool());
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }
}
