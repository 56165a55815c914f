package chat.orchestrator.redis;

import chat.orchestrator.core.port.StoreUnavailableException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;

/**
 * Opens the Jedis client the settings describe: a {@link RedisClient} for one node, a {@link RedisClusterClient}
 * for a cluster, a {@link RedisSentinelClient} for a master behind Redis Sentinel. All are a {@link UnifiedJedis},
 * so nothing past this class knows which one it talks to.
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
            case RedisTopology.Sentinel sentinel -> connectThroughSentinels(settings, sentinel, client, pool);
        };
    }

    /**
     * After a connection failure the pooled connections of a single node are most likely dead too (the server
     * restarted): dropping the idle ones lets the next try open a fresh connection instead of finding another
     * corpse. The same holds for the master behind Sentinel (it may restart without a failover; after one, the
     * client opens a new pool to the promoted replica). The cluster client renews its own connections with the slot
     * map.
     */
    static Runnable idleConnectionDropper(UnifiedJedis jedis) {
        return switch (jedis) {
            case RedisClient single -> () -> single.getPool().clear();
            case RedisSentinelClient sentinel -> () -> sentinel.getPrimaryNodesConnectionMap().values()
                    .forEach(pool -> pool.clear());
            default -> () -> { };
        };
    }

    private static UnifiedJedis connectCluster(RedisSettings settings, RedisTopology.Cluster cluster,
                                               JedisClientConfig client, ConnectionPoolConfig pool) {
        try {
            return RedisClusterClient.builder()
                    .nodes(hostsAndPorts(cluster.seeds()))
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

    /**
     * The client asks the sentinels where the master is at once and subscribes to their {@code +switch-master}
     * announcements, so it follows a failover by itself. Until it has, commands fail as connection failures (the old
     * master is gone) or {@code READONLY} (it came back as a replica), both retried.
     */
    private static UnifiedJedis connectThroughSentinels(RedisSettings settings, RedisTopology.Sentinel sentinel,
                                                       JedisClientConfig client, ConnectionPoolConfig pool) {
        // The sentinels share the timeouts and TLS, not the master's credentials: they have their own password.
        DefaultJedisClientConfig.Builder sentinelClient = connectionConfig(settings);
        if (!sentinel.sentinelPassword().isEmpty()) {
            sentinelClient.password(sentinel.sentinelPassword());
        }
        try {
            return RedisSentinelClient.builder()
                    .masterName(sentinel.masterName())
                    .sentinels(hostsAndPorts(sentinel.sentinels()))
                    .sentinelClientConfig(sentinelClient.build())
                    .clientConfig(DefaultJedisClientConfig.builder().from(client).database(sentinel.database()).build())
                    .poolConfig(pool)
                    .build();
        } catch (RuntimeException e) {
            if (RedisFailures.isConnectionFailure(e)) {
                // Jedis reports a sentinel that refused the password like one that is down.
                throw new StoreUnavailableException("no Redis sentinel of " + sentinel.sentinels()
                        + " said where the master '" + sentinel.masterName() + "' is (unreachable, or the sentinel"
                        + " password was refused): " + e.getMessage(), e);
            }
            throw new IllegalStateException("the Redis sentinels " + sentinel.sentinels() + " answered, but not with"
                    + " the address of a master named '" + sentinel.masterName() + "': " + e.getMessage(), e);
        }
    }

    private static Set<HostAndPort> hostsAndPorts(List<RedisNode> nodes) {
        Set<HostAndPort> addresses = new LinkedHashSet<>();
        nodes.forEach(node -> addresses.add(new HostAndPort(node.host(), node.port())));
        return addresses;
    }

    private static JedisClientConfig clientConfig(RedisSettings settings) {
        DefaultJedisClientConfig.Builder config = connectionConfig(settings);
        if (!settings.username().isEmpty()) {
            config.user(settings.username());
        }
        if (!settings.password().isEmpty()) {
            config.password(settings.password());
        }
        return config.build();
    }

    /** Timeouts, TLS and a name, for every connection we open. */
    private static DefaultJedisClientConfig.Builder connectionConfig(RedisSettings settings) {
        int timeout = Math.toIntExact(settings.socketTimeout().toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName("chat-orchestrator");
        if (settings.tls()) {
            // The JVM's trust store, with host name verification.
            config.sslOptions(SslOptions.defaults());
        }
        return config;
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
