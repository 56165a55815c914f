package chat.orchestrator.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the Redis adapter needs, validated once at start. Built in code (the factories below, then the
 * {@code with…} methods); the server reads it from its {@code REDIS_*} variables (docs/redis.md) in app-server, its
 * composition root. Tests build it directly and shrink the waits.
 *
 * @param topology             one node, a cluster, or a master found through Redis Sentinel
 * @param username             ACL user, empty for the default user
 * @param password             empty when Redis has no password
 * @param tls                  connect with TLS ({@code rediss://})
 * @param maxConnections       connection pool size (per node in a cluster)
 * @param socketTimeout        connect and read timeout of one command
 * @param retry                how connection failures are retried
 * @param keyPrefix            first part of every key, so several deployments can share one Redis
 * @param conversationStateTtl how long a conversation's summary and pending messages live after its last message
 * @param dedupTtl             how long a message id is remembered as seen; at least {@code conversationStateTtl}
 */
public record RedisSettings(
        RedisTopology topology,
        String username,
        String password,
        boolean tls,
        int maxConnections,
        Duration socketTimeout,
        RedisRetryPolicy retry,
        String keyPrefix,
        Duration conversationStateTtl,
        Duration dedupTtl) {

    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_MAX_CONNECTIONS = 16;
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_KEY_PREFIX = "orchestrator";
    public static final Duration DEFAULT_CONVERSATION_STATE_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_DEDUP_TTL = Duration.ofHours(24);

    public RedisSettings {
        Objects.requireNonNull(topology, "topology");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (maxConnections < 1) {
            throw new IllegalArgumentException("Redis max connections must be at least 1, got " + maxConnections);
        }
        requirePositive(socketTimeout, "Redis socket timeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.isBlank() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
            // A brace in the prefix would become the hash tag and put every conversation in one cluster slot.
            throw new IllegalArgumentException("Redis key prefix must be non-blank and contain no '{' or '}': '"
                    + keyPrefix + "'");
        }
        requireAtLeastAMillisecond(conversationStateTtl, "conversation state TTL");
        requireAtLeastAMillisecond(dedupTtl, "dedup TTL");
        if (dedupTtl.compareTo(conversationStateTtl) < 0) {
            // A pending message whose id was forgotten could be accepted twice.
            throw new IllegalArgumentException("Redis dedup TTL (" + dedupTtl
                    + ") must be at least the conversation state TTL (" + conversationStateTtl + ")");
        }
    }

    /** A single node with every default: no password, no TLS, database 0. */
    public static RedisSettings singleNode(String host, int port) {
        return withDefaults(new RedisTopology.SingleNode(new RedisNode(host, port), 0));
    }

    /** A cluster reached through these seeds, with every default. */
    public static RedisSettings cluster(List<RedisNode> seeds) {
        return withDefaults(new RedisTopology.Cluster(seeds));
    }

    /** The master named {@code masterName}, found through these sentinels (no passwords), with every default. */
    public static RedisSettings sentinel(List<RedisNode> sentinels, String masterName) {
        return withDefaults(new RedisTopology.Sentinel(sentinels, masterName, 0));
    }

    /**
     * The dedup TTL unless one is given: a day, or the conversation state TTL when that is longer, since a message
     * id must be remembered at least as long as the message may wait.
     */
    public static Duration defaultDedupTtl(Duration conversationStateTtl) {
        return conversationStateTtl.compareTo(DEFAULT_DEDUP_TTL) > 0 ? conversationStateTtl : DEFAULT_DEDUP_TTL;
    }

    public RedisSettings withRetry(RedisRetryPolicy value) {
        return new RedisSettings(topology, username, password, tls, maxConnections, socketTimeout, value, keyPrefix,
                conversationStateTtl, dedupTtl);
    }

    public RedisSettings withMaxConnections(int value) {
        return new RedisSettings(topology, username, password, tls, value, socketTimeout, retry, keyPrefix,
                conversationStateTtl, dedupTtl);
    }

    public RedisSettings withSocketTimeout(Duration value) {
        return new RedisSettings(topology, username, password, tls, maxConnections, value, retry, keyPrefix,
                conversationStateTtl, dedupTtl);
    }

    public RedisSettings withKeyPrefix(String value) {
        return new RedisSettings(topology, username, password, tls, maxConnections, socketTimeout, retry, value,
                conversationStateTtl, dedupTtl);
    }

    public RedisSettings withTtls(Duration conversationState, Duration dedup) {
        return new RedisSettings(topology, username, password, tls, maxConnections, socketTimeout, retry, keyPrefix,
                conversationState, dedup);
    }

    public boolean isCluster() {
        return topology instanceof RedisTopology.Cluster;
    }

    /** Never prints the password: settings end up in start-up logs. */
    @Override
    public String toString() {
        return "RedisSettings[topology=" + topology + ", username=" + username
                + ", password=" + (password.isEmpty() ? "<none>" : "<set>") + ", tls=" + tls
                + ", maxConnections=" + maxConnections + ", socketTimeout=" + socketTimeout + ", retry=" + retry
                + ", keyPrefix=" + keyPrefix + ", conversationStateTtl=" + conversationStateTtl
                + ", dedupTtl=" + dedupTtl + "]";
    }

    private static RedisSettings withDefaults(RedisTopology topology) {
        return new RedisSettings(topology, "", "", false, DEFAULT_MAX_CONNECTIONS, DEFAULT_SOCKET_TIMEOUT,
                RedisRetryPolicy.defaults(), DEFAULT_KEY_PREFIX, DEFAULT_CONVERSATION_STATE_TTL, DEFAULT_DEDUP_TTL);
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void requireAtLeastAMillisecond(Duration value, String name) {
        requirePositive(value, "Redis " + name);
        if (value.toMillis() < 1) {
            throw new IllegalArgumentException("Redis " + name + " must be at least one millisecond, got " + value);
        }
    }
}
