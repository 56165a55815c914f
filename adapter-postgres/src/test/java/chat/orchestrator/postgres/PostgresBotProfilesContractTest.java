package chat.orchestrator.postgres;

import chat.orchestrator.core.contract.BotProfilePortContract;
import chat.orchestrator.core.port.BotProfilePort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The shared bot profile contract, against a real PostgreSQL with a fresh database per store. */
class PostgresBotProfilesContractTest extends BotProfilePortContract {
    private final List<TestDatabase> databases = new ArrayList<>();

    @Override
    protected BotProfilePort freshProfiles() {
        TestDatabase database = TestDatabase.migrated();
        databases.add(database);
        return new PostgresBotProfiles(database.pool());
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(TestDatabase::close);
    }
}
