package chat.orchestrator.postgres;

import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Probes PostgreSQL with a trivial query through the shared pool, so it proves what the history needs: a pooled
 * connection within the pool's timeout and a database that answers. Never throws; a failure is a value.
 */
public final class PostgresHealthCheck {
    private final DSLContext sql;

    public PostgresHealthCheck(DataSource dataSource) {
        this.sql = DSL.using(dataSource, SQLDialect.POSTGRES);
    }

    public PostgresHealth check() {
        long start = System.nanoTime();
        try {
            sql.selectOne().fetch();
            return PostgresHealth.up(Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            return PostgresHealth.down(Duration.ofNanos(System.nanoTime() - start), StoreFailures.rootMessage(e));
        }
    }
}
