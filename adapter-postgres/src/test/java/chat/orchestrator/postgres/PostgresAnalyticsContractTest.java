package chat.orchestrator.postgres;

import chat.orchestrator.core.contract.AnalyticsPortContract;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;

/** The shared analytics contract, against a real PostgreSQL with a fresh database per test. */
class PostgresAnalyticsContractTest extends AnalyticsPortContract {
    private TestDatabase database;

    @Override
    protected Stores freshStores(Clock clock) {
        database = TestDatabase.migrated();
        return new Stores(new PostgresHistory(database.pool(), clock), new PostgresOutbox(database.pool()),
                new PostgresAnalytics(database.pool()));
    }

    @Override
    protected void storeClockAt(Instant instant) {
        database.clockAt(instant);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }
}
