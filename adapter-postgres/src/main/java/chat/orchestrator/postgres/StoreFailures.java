package chat.orchestrator.postgres;

import chat.orchestrator.core.port.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Sorts database failures into the two kinds the core tells apart: the store could not be reached or gave up
 * (retryable: {@link StoreUnavailableException}), or it refused the statement itself (a defect or bad data:
 * {@link IllegalStateException}, retrying would fail the same way).
 */
final class StoreFailures {
    /**
     * SQLSTATE classes that mean "not now" rather than "never": connection exceptions, transaction rollbacks
     * (serialization failures, deadlocks), insufficient resources, objects not in the required state (lock not
     * available), operator intervention (shutdown, cancelled statement), system and internal errors.
     */
    private static final Set<String> RETRYABLE_CLASSES = Set.of("08", "40", "53", "55", "57", "58", "XX");

    private StoreFailures() {
    }

    /** @param attempt what was being done, e.g. "record message m1 for conversation c1" */
    static RuntimeException translate(RuntimeException failure, String attempt) {
        SQLException sqlFailure = firstSqlException(failure);
        if (sqlFailure == null) {
            // jOOQ failed without a database error (mapping, data types): a defect in this adapter.
            return new IllegalStateException("PostgreSQL history failed to " + attempt + ": " + failure.getMessage(),
                    failure);
        }
        if (isRetryable(sqlFailure)) {
            return new StoreUnavailableException("PostgreSQL unavailable: could not " + attempt + ": "
                    + rootMessage(failure), failure);
        }
        return new IllegalStateException("PostgreSQL refused to " + attempt + " (SQLSTATE " + sqlFailure.getSQLState()
                + "): " + rootMessage(failure), failure);
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static boolean isRetryable(SQLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
        }
        String state = failure.getSQLState();
        // No state at all: the driver or pool failed before the database said anything, e.g. no connection.
        return state == null || state.length() < 2 || RETRYABLE_CLASSES.contains(state.substring(0, 2));
    }

    private static SQLException firstSqlException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
            if (cause.getCause() == cause) {
                return null;
            }
        }
        return null;
    }
}
