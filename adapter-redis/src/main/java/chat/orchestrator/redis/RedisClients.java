package chat.orchestrator.redis;

import chat.orchestrator.core.port.StoreUnavailableException;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;

/**
 * Opens the Jedis client the settings describe: a {@link RedisClient} for one node, a {@link RedisClusterClient}
 * for a cluster. Both are a {@link UnifiedJedis}, so nothing past this class knows which one it talks to.
 */
final class RedisClients {
    /** Slot lookups and MOVED/ASK redirects need a few tries inside Jedis; connection failures are ours to retry. */
    private static final int CLUSTER_MAX_ATTEMPTS = 3;

    private RedisClients() {
    }

    static UnifiedJedis connect(RedisSettings settings) {
        JedisClientConfig client = clientConfig(settings);
        ConnectionPoolConfig pool = poolConfig(settings);
        return switch (settings.topology()) {
            case RedisTopology.SingleNode single -> RedisClient.builder()
                    .hostAndPort(single.node().host(), single.node().port())
                    .clientConfig(DefaultJedisClientConfig.builder().from(client).database(single.database()).build())
                    .poolConfig(pool)
                    .build();
            case RedisTopology.Cluster cluster -> connectCluster(settings, cluster, client, pool);
        };
    }

    /**
     * After a connection failure the pooled connections of a single node are most likely dead too (the server
     * restarted): dropping the idle ones lets the next try open a fresh connection instead of finding another
     * corpse. The cluster client renews its own connections with the slot map.
     */
    static Runnable idleConnectionDropper(UnifiedJedis jedis) {
        if (jedis instanceof RedisClient single) {
            return () -> single.getPool().clear();
        }
        return () -> { };
    }

    private static UnifiedJedis connectCluster(RedisSettings settings, RedisTopology.Cluster cluster,
                                               JedisClientConfig client, ConnectionPoolConfig pool) {
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        cluster.seeds().forEach(node -> seeds.add(new HostAndPort(node.host(), node.port())));
        try {
            return RedisClusterClient.builder()
                    .nodes(seeds)
                    .clientConfig(client)
                    .poolConfig(pool)
                    .maxAttempts(CLUSTER_MAX_ATTEMPTS)
                    .maxTotalRetriesDuration(settings.socketTimeout().multipliedBy(CLUSTER_MAX_ATTEMPTS))
                    .build();
        } catch (RuntimeException e) {
            // The cluster client reads the slot map at once, so an unreachable cluster fails here, not later.
            if (RedisFailures.isConnectionFailure(e)) {
                throw new StoreUnavailableException("Redis cluster could not be reached through " + cluster.seeds()
                        + " while reading its slot map: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static JedisClientConfig clientConfig(RedisSettings settings) {
        int timeout = Math.toIntExact(settings.socketTimeout().toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName("chat-orchestrator");
        if (settings.tls()) {
            // The JVM's trust store, with host name verification.
            config.sslOptions(SslOptions.defaults());
        }
        if (!settings.username().isEmpty()) {
            config.user(settings.username());
        }
        if (!settings.password().isEmpty()) {
            config.password(settings.password());
        }
        return config.build();
    }

    private static ConnectionPoolConfig poolConfig(RedisSettings settings) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.maxConnections());
        pool.setMaxIdle(settings.maxConnections());
        pool.setMinIdle(0);
        // Every wait has a bound: a caller finding the pool exhausted waits one socket timeout, then fails.
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(settings.socketTimeout());
        pool.setJmxEnabled(false);
        return pool;
    }
}
