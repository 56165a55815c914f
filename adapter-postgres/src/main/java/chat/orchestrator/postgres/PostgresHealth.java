package chat.orchestrator.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * What one health probe of PostgreSQL found: whether a query went through, how long it took, and why not.
 *
 * @param problem empty when the database answered
 */
public record PostgresHealth(boolean reachable, Duration latency, String problem) {
    public PostgresHealth {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(problem, "problem");
    }

    static PostgresHealth up(Duration latency) {
        return new PostgresHealth(true, latency, "");
    }

    static PostgresHealth down(Duration latency, String problem) {
        return new PostgresHealth(false, latency, problem);
    }
}
