package chat.orchestrator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The jOOQ entry point of the adapter: runs a unit of work in one transaction (or one autocommit read) on a
 * pooled connection, and turns database failures into the port's exceptions, naming what was being attempted.
 */
final class Database {
    /** jOOQ's execute logging costs CPU on every statement even when its logger discards the message. */
    private static final Settings SETTINGS = new Settings().withExecuteLogging(false);

    private final DataSource dataSource;
    private final DSLContext sql;

    Database(DataSource dataSource) {
        this.dataSource = dataSource;
        this.sql = DSL.using(dataSource, SQLDialect.POSTGRES, SETTINGS);
    }

    /** Work done on one connection; a runtime exception thrown from it rolls the transaction back. */
    @FunctionalInterface
    interface Work<T> {
        T run(DSLContext sql);
    }

    /**
     * Runs the work in one READ COMMITTED transaction (the server's default, never changed by this adapter):
     * committed when it returns, rolled back when it throws. Plain JDBC rather than jOOQ's transaction API, which
     * asks the server for the isolation level on every transaction: a round trip per transaction for nothing.
     *
     * @param attempt what is being done, for the failure message: "record message m1 for conversation c1"
     */
    <T> T transaction(String attempt, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.run(DSL.using(connection, SQLDialect.POSTGRES, SETTINGS));
            } catch (RuntimeException | Error failure) {
                rollBack(connection, failure);
                throw failure;
            }
            connection.commit();
            return result;
        } catch (SQLException e) {
            throw StoreFailures.translate(new DataAccessException(e.getMessage(), e), attempt);
        } catch (DataAccessException e) {
            throw StoreFailures.translate(e, attempt);
        }
    }

    /** The pool resets autocommit when the connection comes back; a failed rollback only adds to the failure. */
    private static void rollBack(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailed) {
            failure.addSuppressed(rollbackFailed);
        }
    }

    /** One statement that writes, with autocommit: it is its own transaction, with no BEGIN or COMMIT round trip. */
    <T> T statement(String attempt, Work<T> work) {
        return read(attempt, work);
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
