package chat.orchestrator.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * One real PostgreSQL 14 per test JVM, started on first use on a free port and stopped when the JVM exits.
 * Tests never assume a server is running: this class brings one. A template database is migrated once, so a
 * fresh migrated database per test is a file copy ({@code CREATE DATABASE ... TEMPLATE}), not a migration.
 */
final class EmbeddedPostgresServer {
    static final String USER = "postgres";
    static final String TEMPLATE = "orchestrator_template";

    private static EmbeddedPostgres server;

    private EmbeddedPostgresServer() {
    }

    static synchronized EmbeddedPostgres get() {
        if (server == null) {
            server = start();
            createTemplate();
        }
        return server;
    }

    static int port() {
        return get().getPort();
    }

    /** Statements that act on whole databases, run in the server's maintenance database. */
    static DSLContext maintenance() {
        return DSL.using(get().getPostgresDatabase(), SQLDialect.POSTGRES);
    }

    private static EmbeddedPostgres start() {
        try {
            // Durability buys nothing in a throwaway test server and costs seconds per test class. Commits stay
            // synchronous (the library defaults them off): right after an asynchronous commit VACUUM cannot mark
            // pages all-visible, and the plan test would see no index-only scan.
            return EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }

    private static void createTemplate() {
        maintenance().execute("CREATE DATABASE {0}", DSL.name(TEMPLATE));
        try (TestDatabase template = TestDatabase.existing(TEMPLATE)) {
            PostgresMigrations.migrate(template.pool());
        }
    }
}
