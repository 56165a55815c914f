package chat.orchestrator.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Builds the HikariCP pool every PostgreSQL component of one instance shares. */
public final class PostgresDataSourceFactory {
    static final String POOL_NAME = "orchestrator-postgres";

    private PostgresDataSourceFactory() {
    }

    /**
     * A pool that starts even while the database is down: the server then reports PostgreSQL as unhealthy and answers
     * with retryable errors until the database is back, instead of refusing to start (docs/postgres.md, "Failures").
     */
    public static HikariDataSource create(PostgresSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setValidationTimeout(Math.min(settings.connectionTimeout().toMillis(), 5_000));
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "chat-orchestrator");
        // Failed connection attempts give up quickly, so a down database costs a caller at most the timeout.
        config.addDataSourceProperty("connectTimeout", Math.max(1, settings.connectionTimeout().toSeconds()));
        return new HikariDataSource(config);
    }
}
