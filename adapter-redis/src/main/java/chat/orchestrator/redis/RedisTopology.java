package chat.orchestrator.redis;

import java.util.List;
import java.util.Objects;

/** Where Redis runs: one node (with a database number) or a cluster reached through any of its seed nodes. */
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
}
