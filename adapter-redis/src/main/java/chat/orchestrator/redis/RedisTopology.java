package chat.orchestrator.redis;

import java.util.List;
import java.util.Objects;

/**
 * Where Redis runs: one node (with a database number), a cluster reached through any of its seed nodes, or a master
 * (with its replicas) whose address Redis Sentinel gives.
 */
public sealed interface RedisTopology {

    /** A single Redis server; {@code database} is the SELECT index. */
    record SingleNode(RedisNode node, int database) implements RedisTopology {
        public SingleNode {
            Objects.requireNonNull(node, "node");
            if (database < 0) {
                throw new IllegalArgumentException("Redis database must not be negative, got " + database);
            }
        }
    }

    /** A Redis Cluster; the client discovers every master from these seeds. Clusters only have database 0. */
    record Cluster(List<RedisNode> seeds) implements RedisTopology {
        public Cluster {
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("a Redis cluster needs at least one seed node");
            }
        }
    }

    /**
     * A master watched by Redis Sentinel: the client asks the sentinels where the master named {@code masterName} is
     * and follows them when they promote a replica. {@code sentinelPassword} is for the sentinels themselves (the
     * master's is the settings' password); empty when they have none.
     */
    record Sentinel(List<RedisNode> sentinels, String masterName, int database, String sentinelPassword)
            implements RedisTopology {
        public Sentinel {
            sentinels = List.copyOf(sentinels);
            if (sentinels.isEmpty()) {
                throw new IllegalArgumentException("Redis Sentinel needs at least one sentinel node");
            }
            Objects.requireNonNull(masterName, "masterName");
            if (masterName.isBlank()) {
                throw new IllegalArgumentException("the Redis Sentinel master name must not be blank");
            }
            if (database < 0) {
                throw new IllegalArgumentException("Redis database must not be negative, got " + database);
            }
            sentinelPassword = sentinelPassword == null ? "" : sentinelPassword;
        }

        /** Sentinels without a password of their own. */
        public Sentinel(List<RedisNode> sentinels, String masterName, int database) {
            this(sentinels, masterName, database, "");
        }

        /** Never prints the sentinels' password: the topology is part of the settings in start-up logs. */
        @Override
        public String toString() {
            return "Sentinel[sentinels=" + sentinels + ", masterName=" + masterName + ", database=" + database
                    + ", sentinelPassword=" + (sentinelPassword.isEmpty() ? "<none>" : "<set>") + "]";
        }
    }
}
