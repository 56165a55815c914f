package chat.orchestrator.redis;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns environment variables into {@link RedisSettings}. Fails on the first problem with a message that names the
 * variable, the value (never a password) and what was expected, so a wrong deployment stops at start.
 */
final class RedisEnvironment {
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
    static final String CONVERSATION_STATE_TTL = "CONVERSATION_STATE_TTL";
    static final String DEDUP_TTL = "REDIS_DEDUP_TTL";

    private final Map<String, String> environment;

    RedisEnvironment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The ways to name a Redis, for messages. */
    private static final String ANY_SERVER = URL + ", " + HOST + ", " + CLUSTER_NODES + " or " + SENTINEL_NODES;

    boolean isConfigured() {
        return isSet(URL) || isSet(HOST) || isSet(CLUSTER_NODES) || isSentinel();
    }

    /** Either Sentinel variable alone counts, so that the missing one is reported rather than Redis ignored. */
    private boolean isSentinel() {
        return isSet(SENTINEL_NODES) || isSet(SENTINEL_MASTER);
    }

    /** Variables that only mean something once a Redis is named. */
    private static final List<String> NEED_A_SERVER = List.of(PORT, DB, USERNAME, PASSWORD, TLS, MAX_CONNECTIONS,
            SOCKET_TIMEOUT, RETRY_ATTEMPTS, RETRY_BACKOFF_MS, RETRY_MAX_BACKOFF_MS, KEY_PREFIX, DEDUP_TTL, SENTINEL_PASSWORD);

    void requireServerForSettings() {
        if (isConfigured()) {
            return;
        }
        for (String name : NEED_A_SERVER) {
            if (isSet(name)) {
                throw new IllegalArgumentException(name + " is set but none of " + ANY_SERVER
                        + " is: name the Redis to use, or unset " + name
                        + " (without Redis, locks and state are in memory, for one instance only)");
            }
        }
    }

    RedisSettings settings() {
        if (!isConfigured()) {
            throw new IllegalArgumentException("Redis is not configured: set " + ANY_SERVER);
        }
        if (!isSentinel() && isSet(SENTINEL_PASSWORD)) {
            throw new IllegalArgumentException(SENTINEL_PASSWORD + " is set without " + SENTINEL_NODES
                    + ": it is the sentinels' own password, for Redis Sentinel only");
        }
        Connection connection = isSentinel() ? sentinelConnection()
                : isSet(CLUSTER_NODES) ? clusterConnection()
                : isSet(URL) ? urlConnection() : hostConnection();
        Duration stateTtl = seconds(CONVERSATION_STATE_TTL, RedisSettings.DEFAULT_CONVERSATION_STATE_TTL);
        Duration dedupDefault = stateTtl.compareTo(RedisSettings.DEFAULT_DEDUP_TTL) > 0
                ? stateTtl : RedisSettings.DEFAULT_DEDUP_TTL;
        Duration dedupTtl = seconds(DEDUP_TTL, dedupDefault);
        if (dedupTtl.compareTo(stateTtl) < 0) {
            throw new IllegalArgumentException(DEDUP_TTL + " (" + dedupTtl.toSeconds() + " s) must be at least "
                    + CONVERSATION_STATE_TTL + " (" + stateTtl.toSeconds() + " s)");
        }
        RedisRetryPolicy defaults = RedisRetryPolicy.defaults();
        int attempts = integer(RETRY_ATTEMPTS, defaults.maxAttempts(), 1, 100);
        Duration backoff = Duration.ofMillis(integer(RETRY_BACKOFF_MS, (int) defaults.initialBackoff().toMillis(),
                1, 60_000));
        Duration maxBackoff = Duration.ofMillis(integer(RETRY_MAX_BACKOFF_MS,
                (int) Math.max(backoff.toMillis(), defaults.maxBackoff().toMillis()), 1, 600_000));
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException(RETRY_MAX_BACKOFF_MS + " (" + maxBackoff.toMillis()
                    + ") must be at least " + RETRY_BACKOFF_MS + " (" + backoff.toMillis() + ")");
        }
        String prefix = text(KEY_PREFIX, RedisSettings.DEFAULT_KEY_PREFIX);
        if (prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException(KEY_PREFIX + " must not contain '{' or '}' (they would become the "
                    + "cluster hash tag), got '" + prefix + "'");
        }
        return new RedisSettings(connection.topology(), connection.username(), connection.password(),
                connection.tls(), integer(MAX_CONNECTIONS, RedisSettings.DEFAULT_MAX_CONNECTIONS, 1, 10_000),
                decimalSeconds(SOCKET_TIMEOUT, RedisSettings.DEFAULT_SOCKET_TIMEOUT),
                new RedisRetryPolicy(attempts, backoff, maxBackoff), prefix, stateTtl, dedupTtl);
    }

    /** Where and how to connect, whichever variables said it. */
    private record Connection(RedisTopology topology, String username, String password, boolean tls) {
    }

    private Connection clusterConnection() {
        refuseTogether(CLUSTER_NODES, URL, HOST, PORT);
        if (isSet(DB) && integer(DB, 0, 0, Integer.MAX_VALUE) != 0) {
            throw new IllegalArgumentException(DB + " must be 0 or unset with " + CLUSTER_NODES
                    + ": Redis Cluster has database 0 only");
        }
        return new Connection(new RedisTopology.Cluster(nodes(CLUSTER_NODES)), text(USERNAME, ""), text(PASSWORD, ""),
                bool(TLS, false));
    }

    /** The master's credentials and TLS are the usual variables; the sentinels may have a password of their own. */
    private Connection sentinelConnection() {
        if (!isSet(SENTINEL_NODES) || !isSet(SENTINEL_MASTER)) {
            String missing = isSet(SENTINEL_NODES) ? SENTINEL_MASTER : SENTINEL_NODES;
            throw new IllegalArgumentException(SENTINEL_NODES + " and " + SENTINEL_MASTER + " go together: "
                    + missing + " is not set (the sentinels' host:port list and the name of the master they watch)");
        }
        refuseTogether(SENTINEL_NODES, CLUSTER_NODES, URL, HOST, PORT);
        RedisTopology.Sentinel sentinel = new RedisTopology.Sentinel(nodes(SENTINEL_NODES),
                environment.get(SENTINEL_MASTER).trim(), integer(DB, 0, 0, Integer.MAX_VALUE),
                text(SENTINEL_PASSWORD, ""));
        return new Connection(sentinel, text(USERNAME, ""), text(PASSWORD, ""), bool(TLS, false));
    }

    private List<RedisNode> nodes(String variable) {
        List<RedisNode> nodes = new ArrayList<>();
        for (String entry : environment.get(variable).split(",")) {
            if (!entry.isBlank()) {
                nodes.add(node(variable, entry.trim()));
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(variable + " must list host:port pairs separated by commas");
        }
        return nodes;
    }

    private Connection hostConnection() {
        RedisNode node = new RedisNode(environment.get(HOST).trim(), integer(PORT, RedisSettings.DEFAULT_PORT, 1,
                65_535));
        int database = integer(DB, 0, 0, Integer.MAX_VALUE);
        return new Connection(new RedisTopology.SingleNode(node, database), text(USERNAME, ""),
                text(PASSWORD, ""), bool(TLS, false));
    }

    private Connection urlConnection() {
        refuseTogether(URL, HOST, PORT, DB);
        String raw = environment.get(URL).trim();
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(URL + " is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException(URL + " must start with redis:// or rediss://, got scheme '" + scheme
                    + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException(URL + " must name a host, as in redis://host:6379/0");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(URL + " must not have query parameters or a fragment");
        }
        boolean tls = scheme.equals("rediss");
        if (isSet(TLS) && bool(TLS, tls) != tls) {
            throw new IllegalArgumentException(TLS + " contradicts the scheme of " + URL + " (" + scheme
                    + "://); use rediss:// for TLS and leave " + TLS + " unset");
        }
        Credentials credentials = credentials(uri.getRawUserInfo());
        int port = uri.getPort() == -1 ? RedisSettings.DEFAULT_PORT : uri.getPort();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new Connection(new RedisTopology.SingleNode(new RedisNode(host, port), database(uri.getPath())),
                credentials.username(), credentials.password(), tls);
    }

    private record Credentials(String username, String password) {
    }

    private Credentials credentials(String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return new Credentials(text(USERNAME, ""), text(PASSWORD, ""));
        }
        int colon = rawUserInfo.indexOf(':');
        if (colon < 0) {
            // redis-py reads "user@" as a user name, Jedis as a password: refuse rather than guess.
            throw new IllegalArgumentException("the user part of " + URL
                    + " must be user:password or :password (a bare word is ambiguous)");
        }
        if (isSet(PASSWORD) || isSet(USERNAME)) {
            throw new IllegalArgumentException(URL + " carries credentials, so " + USERNAME + " and " + PASSWORD
                    + " must not be set");
        }
        return new Credentials(decode(rawUserInfo.substring(0, colon)), decode(rawUserInfo.substring(colon + 1)));
    }

    private static int database(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        String number = path.substring(1);
        try {
            int database = Integer.parseInt(number);
            if (database >= 0) {
                return database;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("the path of " + URL + " must be a database number such as /0, got '"
                + path + "'");
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static RedisNode node(String variable, String entry) {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            throw new IllegalArgumentException(variable + " entries must be host:port, got '" + entry + "'");
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " entry '" + entry + "' has no numeric port");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(variable + " entry '" + entry + "' has a port outside 1-65535");
        }
        return new RedisNode(host, port);
    }

    private void refuseTogether(String chosen, String... others) {
        for (String other : others) {
            if (isSet(other)) {
                throw new IllegalArgumentException(chosen + " and " + other
                        + " are both set; configure Redis one way only");
            }
        }
    }

    private boolean isSet(String name) {
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }

    private String text(String name, String fallback) {
        return isSet(name) ? environment.get(name).trim() : fallback;
    }

    private int integer(String name, int fallback, int min, int max) {
        if (!isSet(name)) {
            return fallback;
        }
        String value = environment.get(name).trim();
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number between " + min + " and " + max
                + ", got '" + value + "'");
    }

    private boolean bool(String name, boolean fallback) {
        if (!isSet(name)) {
            return fallback;
        }
        String value = environment.get(name).trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    private Duration seconds(String name, Duration fallback) {
        return isSet(name) ? Duration.ofSeconds(integer(name, 0, 1, Integer.MAX_VALUE)) : fallback;
    }

    /** Socket timeouts are often given as fractions of a second ("0.5"), as redis-py takes them. */
    private Duration decimalSeconds(String name, Duration fallback) {
        if (!isSet(name)) {
            return fallback;
        }
        String value = environment.get(name).trim();
        try {
            long millis = new BigDecimal(value).movePointRight(3).longValueExact();
            if (millis >= 1 && millis <= 3_600_000) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be seconds between 0.001 and 3600 (e.g. 2 or 0.5), got '"
                + value + "'");
    }
}
