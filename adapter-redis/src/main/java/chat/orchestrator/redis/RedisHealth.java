package chat.orchestrator.redis;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import java.util.Map;
import java.util.Objects;

/**
 * The health of the Redis a {@link RedisStore} uses: a PING to every node first, since it never waits for retries,
 * then the INFO figures (summed over the masters of a cluster). Never throws.
 */
public final class RedisHealth implements HealthPort {
    static final String COMPONENT = "redis";

    private final RedisStore store;

    public RedisHealth(RedisStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public ComponentHealth check() {
        if (!store.stats().ping()) {
            return ComponentHealth.down(COMPONENT, "no answer to PING from " + where());
        }
        try {
            RedisStatistics figures = store.stats().statistics();
            return ComponentHealth.up(COMPONENT, Map.of(
                    "connected_clients", Long.toString(figures.connectedClients()),
                    "used_memory_human", figures.usedMemoryHuman(),
                    "keyspace_hits", Long.toString(figures.keyspaceHits()),
                    "keyspace_misses", Long.toString(figures.keyspaceMisses())));
        } catch (RuntimeException e) {
            // Redis went away between the PING and INFO, or answered INFO with something unreadable.
            return ComponentHealth.down(COMPONENT, "reading INFO from " + where() + " failed: " + e.getMessage());
        }
    }

    /** Addresses only: the settings' password must never reach a health response. */
    private String where() {
        return switch (store.settings().topology()) {
            case RedisTopology.SingleNode single -> single.node().toString();
            case RedisTopology.Cluster cluster -> "the cluster " + cluster.seeds();
            case RedisTopology.Sentinel sentinel -> "the master '" + sentinel.masterName() + "' of the sentinels "
                    + sentinel.sentinels();
        };
    }
}
