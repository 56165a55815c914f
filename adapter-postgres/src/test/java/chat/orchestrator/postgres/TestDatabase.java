package chat.orchestrator.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A database of its own for one test on the shared embedded server, with the pools opened on it. Closing it
 * closes the pools and drops the database.
 */
final class TestDatabase implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final String name;
    private final boolean owned;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private HikariDataSource pool;

    private TestDatabase(String name, boolean owned) {
        this.name = name;
        this.owned = owned;
    }

    /** A new database with the schema already migrated. */
    static TestDatabase migrated() {
        return create("CREATE DATABASE {0} TEMPLATE {1}");
    }

    /** A new database with nothing in it, not even Flyway's history table. */
    static TestDatabase empty() {
        return create("CREATE DATABASE {0}");
    }

    static TestDatabase existing(String name) {
        return new TestDatabase(name, false);
    }

    private static TestDatabase create(String statement) {
        EmbeddedPostgresServer.get();
        String name = "test_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
        EmbeddedPostgresServer.maintenance().execute(statement, DSL.name(name),
                DSL.name(EmbeddedPostgresServer.TEMPLATE));
        return new TestDatabase(name, true);
    }

    String name() {
        return name;
    }

    PostgresSettings settings() {
        return PostgresSettings.of("localhost", EmbeddedPostgresServer.port(), name, EmbeddedPostgresServer.USER, "")
                .withSslMode(PostgresSslMode.DISABLE)
                .withConnectionTimeout(Duration.ofSeconds(5));
    }

    /** The database's main pool, as one orchestrator instance would open it. */
    synchronized HikariDataSource pool() {
        if (pool == null) {
            pool = openPool();
        }
        return pool;
    }

    /** Another pool on the same database: a second instance, or the same one after a restart. */
    synchronized HikariDataSource openPool() {
        HikariDataSource opened = PostgresDataSourceFactory.create(settings());
        pools.add(opened);
        return opened;
    }

    /** jOOQ over the main pool, for looking at rows directly. */
    DSLContext sql() {
        return DSL.using(pool(), SQLDialect.POSTGRES);
    }

    /**
     * Freezes the database's clock, the one that judges outbox claims, at {@code instant} for every connection
     * (see EmbeddedPostgresServer#createTestClock); a database made from the template only.
     */
    void clockAt(Instant instant) {
        sql().execute("UPDATE test_clock.frozen SET at = {0}", DSL.val(instant.atOffset(ZoneOffset.UTC)));
    }

    @Override
    public synchronized void close() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        if (owned) {
            EmbeddedPostgresServer.maintenance().execute("DROP DATABASE IF EXISTS {0} WITH (FORCE)", DSL.name(name));
        }
    }
}
