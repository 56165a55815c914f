package chat.orchestrator.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The figures the admin stats and health endpoints show, read from a real pool on a real server. */
class PoolFiguresAndHealthTest {
    private final TestDatabase database = TestDatabase.migrated();

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void theFiguresCountAConnectionInUse() throws SQLException {
        HikariDataSource pool = database.pool();
        try (Connection held = pool.getConnection()) {
            PostgresPoolFigures figures = PostgresPoolFigures.of(pool);

            assertEquals(1, figures.active(), figures.toString());
            assertEquals(figures.total(), figures.active() + figures.idle(), figures.toString());
            assertEquals(0, figures.threadsAwaiting());
            assertEquals(database.settings().poolSize(), figures.maximumPoolSize());
            assertTrue(held.isValid(1));
        }
        assertEquals(0, PostgresPoolFigures.of(pool).active());
    }

    @Test
    void aReachableDatabaseIsHealthy() {
        PostgresHealth health = new PostgresHealthCheck(database.pool()).check();

        assertTrue(health.reachable());
        assertEquals("", health.problem());
        assertTrue(health.latency().toMillis() < 5_000, health.toString());
    }

    @Test
    void aClosedPoolReportsNothingOpen() {
        HikariDataSource pool = database.openPool();
        pool.close();

        assertEquals(new PostgresPoolFigures(0, 0, 0, 0, database.settings().poolSize()), PostgresPoolFigures.of(pool));
    }
}
