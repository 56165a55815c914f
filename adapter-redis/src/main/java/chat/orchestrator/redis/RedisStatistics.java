package chat.orchestrator.redis;

import java.util.Objects;

/** The Redis figures of the admin stats endpoint; summed over the masters of a cluster. */
public record RedisStatistics(long connectedClients, String usedMemoryHuman, long keyspaceHits, long keyspaceMisses) {
    public RedisStatistics {
        Objects.requireNonNull(usedMemoryHuman, "usedMemoryHuman");
    }
}
