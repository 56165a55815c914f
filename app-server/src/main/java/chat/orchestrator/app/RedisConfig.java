package chat.orchestrator.app;

import static chat.orchestrator.app.Environment.decoded;

import chat.orchestrator.redis.RedisNode;
import chat.orchestrator.redis.RedisRetryPolicy;
import chat.orchestrator.redis.RedisSettings;
import chat.orchestrator.redis.RedisTopology;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Redis variables (docs/redis.md, "Settings"): {@code REDIS_URL}, or {@code REDIS_HOST}/{@code REDIS_PORT}/
 * {@code REDIS_DB}, or {@code REDIS_CLUSTER_NODES}, or {@code REDIS_SENTINEL_NODES}/{@code REDIS_SENTINEL_MASTER},
 * plus the pool, timeout, retry and TTL variables. The adapter's defaults are {@link RedisSettings}'; the first
 * problem stops the start with a message that names the variable, the value (never a password) and what was expected.
 */
final class RedisConfig {
    static final String URL = "REDIS_URL";
    static final String HOST = "REDIS_HOST";
    static final String PORT = "REDIS_PORT";
    static final String DB = "REDIS_DB";
    static final String USERNAME = "REDIS_USERNAME";
    static final String PASSWORD = "REDIS_PASSWORD";
    static final String TLS = "REDIS_TLS";
    static final String CLUSTER_NODES = "REDIS_CLUSTER_NODES";
    static final String SENTINEL_NODES = "REDIS_SENTINEL_NODES";
    static final String SENTINEL_MASTER = "REDIS_SENTINEL_MASTER";
    static final String SENTINEL_PASSWORD = "REDIS_SENTINEL_PASSWORD";
    static final String MAX_CONNECTIONS = "REDIS_MAX_CONNECTIONS";
    static final String SOCKET_TIMEOUT = "REDIS_SOCKET_TIMEOUT";
    static final String RETRY_ATTEMPTS = "REDIS_RETRY_ATTEMPTS";
    static final String RETRY_BACKOFF_MS = "REDIS_RETRY_BACKOFF_MS";
    static final String RETRY_MAX_BACKOFF_MS = "REDIS_RETRY_MAX_BACKOFF_MS";
    static final String KEY_PREFIX = "REDIS_KEY_PREFIX";
    static final String DEDUP_TTL = "REDIS_DEDUP_TTL";

    /** The ways to name a Redis, in the order messages list them. */
    private static final List<String> SERVERS = List.of(URL, HOST, CLUSTER_NODES, SENTINEL_NODES);

    /** Variables that only mean something once a Redis is named. */
    private static final List<String> NEED_A_SERVER = List.of(PORT, DB, USERNAME, PASSWORD, TLS, MAX_CONNECTIONS,
            SOCKET_TIMEOUT, RETRY_ATTEMPTS, RETRY_BACKOFF_MS, RETRY_MAX_BACKOFF_MS, KEY_PREFIX, DEDUP_TTL,
            SENTINEL_PASSWORD);

    private RedisConfig() {
    }

    /**
     * The Redis the environment names, or empty (locks and state in memory) when it names none. Redis settings
     * without a Redis stop the start: the operator meant to use Redis, and running on in-memory locks instead, without
     * a word, would lose every guarantee between instances.
     *
     * @param conversationStateTtl {@code CONVERSATION_STATE_TTL}, read once for both state stores
     */
    static Optional<RedisSettings> read(Environment env, Duration conversationStateTtl) {
        if (!isConfigured(env)) {
            env.requireWithAny(SERVERS, "name the Redis to use",
                    "without Redis, locks and state are in memory, for one instance only", NEED_A_SERVER);
            return Optional.empty();
        }
        return Optional.of(settings(env, conversationStateTtl));
    }

    /** Either Sentinel variable alone counts, so that the missing one is reported rather than Redis ignored. */
    static boolean isConfigured(Environment env) {
        return SERVERS.stream().anyMatch(env::isSet) || env.isSet(SENTINEL_MASTER);
    }

    /** The Redis settings, when the caller requires a Redis: an environment that names none is refused. */
    static RedisSettings settings(Environment env, Duration conversationStateTtl) {
        if (!isConfigured(env)) {
            throw new ConfigurationException("Redis is not configured: set " + String.join(", ", SERVERS.subList(0, 3))
                    + " or " + SERVERS.getLast());
        }
        // The adapter's records refuse what they cannot hold (a blank host, say) in their own words.
        return Environment.validatedByAdapter(() -> fromVariables(env, conversationStateTtl));
    }

    private static RedisSettings fromVariables(Environment env, Duration conversationStateTtl) {
        boolean sentinel = env.isSet(SENTINEL_NODES) || env.isSet(SENTINEL_MASTER);
        if (!sentinel && env.isSet(SENTINEL_PASSWORD)) {
            throw new ConfigurationException(SENTINEL_PASSWORD + " is set without " + SENTINEL_NODES
                    + ": it is the sentinels' own password, for Redis Sentinel only");
        }
        Connection connection = sentinel ? sentinelConnection(env)
                : env.isSet(CLUSTER_NODES) ? clusterConnection(env)
                : env.isSet(URL) ? urlConnection(env) : hostConnection(env);
        Duration dedupTtl = env.seconds(DEDUP_TTL, RedisSettings.defaultDedupTtl(conversationStateTtl), 1,
                Integer.MAX_VALUE);
        // The settings refuse this too; this names the variables.
        if (dedupTtl.compareTo(conversationStateTtl) < 0) {
            throw new ConfigurationException(DEDUP_TTL + " (" + dedupTtl.toSeconds() + " s) must be at least "
                    + AppConfig.CONVERSATION_STATE_TTL + " (" + conversationStateTtl.toSeconds() + " s)");
        }
        RedisRetryPolicy retry = retry(env);
        String prefix = env.string(KEY_PREFIX, RedisSettings.DEFAULT_KEY_PREFIX);
        // The settings refuse this too; this names the variable and says why.
        if (prefix.contains("{") || prefix.contains("}")) {
            throw new ConfigurationException(KEY_PREFIX + " must not contain '{' or '}' (they would become the "
                    + "cluster hash tag), got '" + prefix + "'");
        }
        return new RedisSettings(connection.topology(), connection.username(), connection.password(),
                connection.tls(), env.integer(MAX_CONNECTIONS, RedisSettings.DEFAULT_MAX_CONNECTIONS, 1, 10_000),
                env.fractionalSeconds(SOCKET_TIMEOUT, RedisSettings.DEFAULT_SOCKET_TIMEOUT, Duration.ofMillis(1),
                        Duration.ofHours(1)),
                retry, prefix, conversationStateTtl, dedupTtl);
    }

    private static RedisRetryPolicy retry(Environment env) {
        RedisRetryPolicy defaults = RedisRetryPolicy.defaults();
        int attempts = env.integer(RETRY_ATTEMPTS, defaults.maxAttempts(), 1, 100);
        Duration backoff = env.millis(RETRY_BACKOFF_MS, defaults.initialBackoff(), 1, 60_000);
        // A first wait longer than the default cap raises the cap with it, rather than refusing the start.
        Duration maxBackoff = env.millis(RETRY_MAX_BACKOFF_MS,
                backoff.compareTo(defaults.maxBackoff()) > 0 ? backoff : defaults.maxBackoff(), 1, 600_000);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new ConfigurationException(RETRY_MAX_BACKOFF_MS + " (" + maxBackoff.toMillis()
                    + ") must be at least " + RETRY_BACKOFF_MS + " (" + backoff.toMillis() + ")");
        }
        return new RedisRetryPolicy(attempts, backoff, maxBackoff);
    }

    /** Where and how to connect, whichever variables said it. */
    private record Connection(RedisTopology topology, String username, String password, boolean tls) {
    }

    private static Connection clusterConnection(Environment env) {
        refuseTogether(env, CLUSTER_NODES, URL, HOST, PORT);
        if (env.isSet(DB) && env.integer(DB, 0, 0, Integer.MAX_VALUE) != 0) {
            throw new ConfigurationException(DB + " must be 0 or unset with " + CLUSTER_NODES
                    + ": Redis Cluster has database 0 only");
        }
        return new Connection(new RedisTopology.Cluster(nodes(env, CLUSTER_NODES)), env.string(USERNAME, ""),
                env.string(PASSWORD, ""), env.bool(TLS, false));
    }

    /** The master's credentials and TLS are the usual variables; the sentinels may have a password of their own. */
    private static Connection sentinelConnection(Environment env) {
        if (!env.isSet(SENTINEL_NODES) || !env.isSet(SENTINEL_MASTER)) {
            String missing = env.isSet(SENTINEL_NODES) ? SENTINEL_MASTER : SENTINEL_NODES;
            throw new ConfigurationException(SENTINEL_NODES + " and " + SENTINEL_MASTER + " go together: "
                    + missing + " is not set (the sentinels' host:port list and the name of the master they watch)");
        }
        refuseTogether(env, SENTINEL_NODES, CLUSTER_NODES, URL, HOST, PORT);
        List<RedisNode> sentinels = nodes(env, SENTINEL_NODES);
        String master = env.optional(SENTINEL_MASTER).orElseThrow();
        int database = env.integer(DB, 0, 0, Integer.MAX_VALUE);
        String sentinelPassword = env.string(SENTINEL_PASSWORD, "");
        return new Connection(new RedisTopology.Sentinel(sentinels, master, database, sentinelPassword),
                env.string(USERNAME, ""), env.string(PASSWORD, ""), env.bool(TLS, false));
    }

    private static List<RedisNode> nodes(Environment env, String variable) {
        return env.hostPorts(variable).stream().map(node -> new RedisNode(node.host(), node.port())).toList();
    }

    private static Connection hostConnection(Environment env) {
        String host = env.optional(HOST).orElseThrow();
        int port = env.integer(PORT, RedisSettings.DEFAULT_PORT, 1, 65_535);
        int database = env.integer(DB, 0, 0, Integer.MAX_VALUE);
        return new Connection(new RedisTopology.SingleNode(new RedisNode(host, port), database),
                env.string(USERNAME, ""), env.string(PASSWORD, ""), env.bool(TLS, false));
    }

    private static Connection urlConnection(Environment env) {
        refuseTogether(env, URL, HOST, PORT, DB);
        URI uri = env.url(URL).orElseThrow();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigurationException(URL + " must start with redis:// or rediss://, got scheme '" + scheme
                    + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ConfigurationException(URL + " must name a host, as in redis://host:6379/0");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException(URL + " must not have query parameters or a fragment");
        }
        boolean tls = scheme.equals("rediss");
        if (env.isSet(TLS) && env.bool(TLS, tls) != tls) {
            throw new ConfigurationException(TLS + " contradicts the scheme of " + URL + " (" + scheme
                    + "://); use rediss:// for TLS and leave " + TLS + " unset");
        }
        Credentials credentials = credentials(env, uri.getRawUserInfo());
        int port = uri.getPort() == -1 ? RedisSettings.DEFAULT_PORT : uri.getPort();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new Connection(new RedisTopology.SingleNode(new RedisNode(host, port), database(uri.getPath())),
                credentials.username(), credentials.password(), tls);
    }

    private record Credentials(String username, String password) {
    }

    private static Credentials credentials(Environment env, String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return new Credentials(env.string(USERNAME, ""), env.string(PASSWORD, ""));
        }
        int colon = rawUserInfo.indexOf(':');
        if (colon < 0) {
            // redis-py reads "user@" as a user name, Jedis as a password: refuse rather than guess.
            throw new ConfigurationException("the user part of " + URL
                    + " must be user:password or :password (a bare word is ambiguous)");
        }
        if (env.isSet(PASSWORD) || env.isSet(USERNAME)) {
            throw new ConfigurationException(URL + " carries credentials, so " + USERNAME + " and " + PASSWORD
                    + " must not be set");
        }
        return new Credentials(decoded(rawUserInfo.substring(0, colon)), decoded(rawUserInfo.substring(colon + 1)));
    }

    private static int database(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int database = Integer.parseInt(path.substring(1));
            if (database >= 0) {
                return database;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("the path of " + URL + " must be a database number such as /0, got '"
                + path + "'");
    }

    private static void refuseTogether(Environment env, String chosen, String... others) {
        for (String other : others) {
            if (env.isSet(other)) {
                throw new ConfigurationException(chosen + " and " + other
                        + " are both set; configure Redis one way only");
            }
        }
    }
}
