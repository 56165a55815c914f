package chat.orchestrator.postgres;

import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The jOOQ entry point of the adapter: runs a unit of work in one transaction (or one autocommit read) on a
 * pooled connection, and turns database failures into the port's exceptions, naming what was being attempted.
 */
final class Database {
    private final DSLContext sql;

    Database(DataSource dataSource) {
        this.sql = DSL.using(dataSource, SQLDialect.POSTGRES);
    }

    /** Work done on one connection; a runtime exception thrown from it rolls the transaction back. */
    @FunctionalInterface
    interface Work<T> {
        T run(DSLContext sql);
    }

    /**
     * Runs the work in one READ COMMITTED transaction: committed when it returns, rolled back when it throws.
     *
     * @param attempt what is being done, for the failure message: "record message m1 for conversation c1"
     */
    <T> T transaction(String attempt, Work<T> work) {
        try {
            return sql.transactionResult(configuration -> work.run(configuration.dsl()));
        } catch (DataAccessException e) {
            throw StoreFailures.translate(e, attempt);
        }
    }

    /** Runs read-only work with autocommit: each statement sees the latest committed state. */
    <T> T read(String attempt, Work<T> work) {
        try {
            return work.run(sql);
        } catch (DataAccessException e) {
            throw StoreFailures.translate(e, attempt);
        }
    }
}
