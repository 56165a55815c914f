package chat.orchestrator.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to the schema this adapter needs, with the Flyway scripts under {@code db/migration}.
 * Run at start-up by every instance: Flyway's lock on its history table lets instances start together, and a
 * database already at the latest version is left unchanged.
 */
public final class PostgresMigrations {
    static final String LOCATION = "classpath:db/migration";

    private PostgresMigrations() {
    }

    /** What a migration run did: how many scripts it applied and the schema version the database is at now. */
    public record Result(int applied, String schemaVersion) {
    }

    public static Result migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                // A production database must never be wiped by a misconfigured command.
                .cleanDisabled(true)
                .load()
                .migrate();
        return new Result(result.migrationsExecuted, result.targetSchemaVersion == null
                ? result.initialSchemaVersion : result.targetSchemaVersion);
    }
}
