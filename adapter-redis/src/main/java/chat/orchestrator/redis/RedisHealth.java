package chat.orchestrator.redis;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of the Redis a {@link RedisStore} uses: a PING to every node first, since it never waits for retries,
 * then the INFO figures (summed over the masters of a cluster) and the {@code maxmemory-policy}, with a warning in the
 * detail unless it is {@code noeviction}. Never throws.
 */
public final class RedisHealth implements HealthPort {
    static final String COMPONENT = "redis";
    static final String NO_EVICTION = "noeviction";
    static final String UNKNOWN = "unknown";

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
            Optional<String> policy = store.stats().maxmemoryPolicy();
            return new ComponentHealth(COMPONENT, true, evictionWarning(policy), Map.of(
                    "connected_clients", Long.toString(figures.connectedClients()),
                    "used_memory_human", figures.usedMemoryHuman(),
                    "keyspace_hits", Long.toString(figures.keyspaceHits()),
                    "keyspace_misses", Long.toString(figures.keyspaceMisses()),
                    "maxmemory_policy", policy.orElse(UNKNOWN)));
        } catch (RuntimeException e) {
            // Redis went away between the PING and INFO, or answered INFO with something unreadable.
            return ComponentHealth.down(COMPONENT, "reading INFO from " + where() + " failed: " + e.getMessage());
        }
    }

    /**
     * Up, but with a warning line: under any policy but noeviction Redis deletes keys of conversations when memory
     * runs out (every conversation key has a TTL, so the volatile-* policies managed Redis defaults to evict them
     * too), and the orchestrator then recovers messages from history instead of answering them at once.
     */
    static String evictionWarning(Optional<String> policy) {
        if (policy.isEmpty()) {
            return "warning: maxmemory-policy unknown (CONFIG GET refused); it should be " + NO_EVICTION
                    + ", see docs/operations.md";
        }
        if (policy.get().equals(NO_EVICTION)) {
            return "";
        }
        return "warning: maxmemory-policy " + policy.get() + " lets Redis evict conversation state when memory runs"
                + " out; use " + NO_EVICTION + ", see docs/operations.md";
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
