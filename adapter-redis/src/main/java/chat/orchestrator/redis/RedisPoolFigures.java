package chat.orchestrator.redis;

import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.Pool;

/**
 * The Jedis connection pools at one moment, for metrics: connections borrowed, idle, callers waiting for one (above
 * zero: the pool is too small or Redis too slow) and the most that may be open. A cluster sums its nodes' pools.
 */
public record RedisPoolFigures(int active, int idle, int waiting, int maxTotal) {

    static RedisPoolFigures of(UnifiedJedis client) {
        List<? extends Pool<?>> pools = switch (client) {
            case RedisClient single -> List.of(single.getPool());
            case RedisClusterClient cluster -> List.copyOf(cluster.getClusterNodes().values());
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
