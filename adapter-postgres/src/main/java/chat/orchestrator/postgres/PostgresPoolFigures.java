package chat.orchestrator.postgres;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * The connection pool at one moment, for the admin stats: connections in use, idle, open in all, and callers
 * waiting for one (a number above zero means the pool is too small or the database too slow).
 */
public record PostgresPoolFigures(int active, int idle, int total, int threadsAwaiting, int maximumPoolSize) {

    public static PostgresPoolFigures of(HikariDataSource pool) {
        HikariPoolMXBean figures = pool.getHikariPoolMXBean();
        if (figures == null) {
            // The pool has not started or was closed: nothing is open and nobody can wait.
            return new PostgresPoolFigures(0, 0, 0, 0, pool.getMaximumPoolSize());
        }
        return new PostgresPoolFigures(figures.getActiveConnections(), figures.getIdleConnections(),
                figures.getTotalConnections(), figures.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
    }
}
