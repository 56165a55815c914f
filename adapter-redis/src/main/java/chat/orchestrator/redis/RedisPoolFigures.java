package chat.orchestrator.redis;

import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.Pool;

/**
 * The Jedis connection pools at one moment, for metrics: connections borrowed, idle, callers waiting for one (above
 * zero: the pool is too small or Redis too slow) and the most that may be open. A cluster sums its nodes' pools;
 * behind Sentinel, the current master's pool counts.
 */
public record RedisPoolFigures(int active, int idle, int waiting, int maxTotal) {

    static RedisPoolFigures of(UnifiedJedis client) {
        List<? extends Pool<?>> pools = switch (client) {
            case RedisClient single -> List.of(single.getPool());
            case RedisClusterClient cluster -> List.copyOf(cluster.getClusterNodes().values());
            // The pool of the current master; after a failover, the one to the promoted replica.
            case RedisSentinelClient sentinel -> List.copyOf(sentinel.getPrimaryNodesConnectionMap().values());
            default -> List.of();
        };
        int active = 0;
        int idle = 0;
        int waiting = 0;
        int maxTotal = 0;
        for (Pool<?> pool : pools) {
            active += pool.getNumActive();
            idle += pool.getNumIdle();
            waiting += pool.getNumWaiters();
            maxTotal += pool.getMaxTotal();
        }
        return new RedisPoolFigures(active, idle, waiting, maxTotal);
    }
}
