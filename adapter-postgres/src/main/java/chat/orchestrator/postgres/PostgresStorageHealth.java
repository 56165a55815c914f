package chat.orchestrator.postgres;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import java.util.Map;
import java.util.Objects;

/**
 * The health of the PostgreSQL a {@link PostgresStorage} uses: a {@code SELECT 1} through its pool (so it proves a
 * pooled connection can be had, as the history needs), with the pool's figures when it went through. Never throws.
 */
public final class PostgresStorageHealth implements HealthPort {
    static final String COMPONENT = "postgres";

    private final PostgresStorage storage;

    public PostgresStorageHealth(PostgresStorage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    @Override
    public ComponentHealth check() {
        PostgresHealth probe = storage.health();
        if (!probe.reachable()) {
            return ComponentHealth.down(COMPONENT, probe.problem());
        }
        PostgresPoolFigures pool = storage.poolFigures();
        return ComponentHealth.up(COMPONENT, Map.of(
                "active", Integer.toString(pool.active()),
                "idle", Integer.toString(pool.idle()),
                "total", Integer.toString(pool.total()),
                "threads_awaiting", Integer.toString(pool.threadsAwaiting())));
    }
}
