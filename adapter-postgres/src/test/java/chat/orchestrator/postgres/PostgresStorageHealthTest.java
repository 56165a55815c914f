package chat.orchestrator.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.port.ComponentHealth;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The health the server reports for PostgreSQL, from a storage started as the composition root starts it. */
class PostgresStorageHealthTest {
    private final TestDatabase database = TestDatabase.migrated();

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aReachableDatabaseIsUpWithThePoolFigures() {
        try (PostgresStorage storage = PostgresStorage.start(database.settings())) {
            ComponentHealth health = new PostgresStorageHealth(storage).check();

            assertEquals("postgres", health.component());
            assertTrue(health.up(), health.toString());
            assertEquals(Set.of("active", "idle", "total", "threads_awaiting"), health.figures().keySet());
            int total = Integer.parseInt(health.figures().get("total"));
            assertTrue(total >= 1, health.toString());
            assertEquals(total, Integer.parseInt(health.figures().get("active"))
                    + Integer.parseInt(health.figures().get("idle")), health.toString());
            assertEquals("0", health.figures().get("threads_awaiting"));
        }
    }

    @Test
    void aStorageWhosePoolIsClosedIsDownWithTheReason() {
        PostgresStorage storage = PostgresStorage.start(database.settings());
        storage.close();

        ComponentHealth health = new PostgresStorageHealth(storage).check();

        assertFalse(health.up());
        assertEquals("postgres", health.component());
        assertFalse(health.detail().isBlank());
        assertTrue(health.figures().isEmpty());
    }
}
