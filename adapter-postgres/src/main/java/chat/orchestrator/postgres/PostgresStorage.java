package chat.orchestrator.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;

/**
 * The adapter assembled over one connection pool, schema migrated: what the composition root wires when
 * PostgreSQL is configured. Closing it closes the pool.
 */
public final class PostgresStorage implements AutoCloseable {
    private final HikariDataSource pool;
    private final PostgresMigrations.Result migration;
    private final PostgresHistory history;
    private final PostgresOutbox outbox;
    private final PostgresBotProfiles botProfiles;
    private final PostgresAnalytics analytics;
    private final PostgresHealthCheck healthCheck;

    private PostgresStorage(HikariDataSource pool, PostgresMigrations.Result migration, Clock clock) {
        this.pool = pool;
        this.migration = migration;
        this.history = new PostgresHistory(pool, clock);
        this.outbox = new PostgresOutbox(pool);
        this.botProfiles = new PostgresBotProfiles(pool, clock);
        this.analytics = new PostgresAnalytics(pool);
        this.healthCheck = new PostgresHealthCheck(pool);
    }

    /** {@link #start(PostgresSettings, Clock)} on the system clock. */
    public static PostgresStorage start(PostgresSettings settings) {
        return start(settings, Clock.systemUTC());
    }

    /**
     * Opens the pool and migrates the schema. Fails (and closes the pool) when the database cannot be migrated:
     * an instance must not serve on a schema it does not know.
     */
    public static PostgresStorage start(PostgresSettings settings, Clock clock) {
        HikariDataSource pool = PostgresDataSourceFactory.create(settings);
        try {
            return new PostgresStorage(pool, PostgresMigrations.migrate(pool), clock);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public PostgresHistory history() {
        return history;
    }

    /** The outbox of the answers {@link #history()} stores: the same database, the same pool. */
    public PostgresOutbox outbox() {
        return outbox;
    }

    public PostgresBotProfiles botProfiles() {
        return botProfiles;
    }

    public PostgresAnalytics analytics() {
        return analytics;
    }

    /** What the start-up migration did. */
    public PostgresMigrations.Result migration() {
        return migration;
    }

    public PostgresHealth health() {
        return healthCheck.check();
    }

    /**
     * Has HikariCP publish its pool's meters (connections active, idle, pending, acquire and usage times) to
     * {@code registry}, a Micrometer {@code MeterRegistry}; typed {@code Object} as HikariCP takes it, so this module
     * needs no metrics library. Once per storage.
     */
    public void publishPoolMetricsTo(Object registry) {
        pool.setMetricRegistry(registry);
    }

    public PostgresPoolFigures poolFigures() {
        return PostgresPoolFigures.of(pool);
    }

    @Override
    public void close() {
        pool.close();
    }
}
