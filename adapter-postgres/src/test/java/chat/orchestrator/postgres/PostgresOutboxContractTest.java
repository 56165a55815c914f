package chat.orchestrator.postgres;

import chat.orchestrator.core.contract.OutboxPortContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared outbox contract, against a real PostgreSQL with a fresh database per test; the database's clock, which
 * judges claims, is frozen by {@link TestDatabase#clockAt}.
 */
class PostgresOutboxContractTest extends OutboxPortContract {
    private TestDatabase database;

    @Override
    protected Stores freshStores() {
        database = TestDatabase.migrated();
        return new Stores(new PostgresHistory(database.pool()), new PostgresOutbox(database.pool()),
                new PostgresOutbox(database.openPool()), database::clockAt);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }
}
