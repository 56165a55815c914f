package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.redis.RedisNode;
import chat.orchestrator.redis.RedisRetryPolicy;
import chat.orchestrator.redis.RedisSettings;
import chat.orchestrator.redis.RedisTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Redis variables, read by the server (they were the adapter's to read until the server became their one reader):
 * each mistake is refused in the words these tests have always held.
 */
class RedisConfigTest {

    @Test
    void hostPortDbAndPasswordMakeASingleNodeWithDefaultsForTheRest() {
        RedisSettings settings = read(Map.of(
                "REDIS_HOST", "redis.internal", "REDIS_PORT", "6380", "REDIS_DB", "2", "REDIS_PASSWORD", "s3cret"));

        assertEquals(new RedisTopology.SingleNode(new RedisNode("redis.internal", 6380), 2), settings.topology());
        assertEquals("s3cret", settings.password());
        assertFalse(settings.tls());
        assertEquals(RedisSettings.DEFAULT_MAX_CONNECTIONS, settings.maxConnections());
        assertEquals(Duration.ofSeconds(2), settings.socketTimeout());
        assertEquals(Duration.ofHours(1), settings.conversationStateTtl());
        assertEquals(Duration.ofHours(24), settings.dedupTtl());
        assertEquals(RedisRetryPolicy.defaults(), settings.retry());
    }

    @Test
    void aRedissUrlCarriesTlsCredentialsAndDatabase() {
        RedisSettings settings = read(Map.of(
                "REDIS_URL", "rediss://bot:p%40ss+word@cache.example.com:6390/3"));

        assertEquals(new RedisTopology.SingleNode(new RedisNode("cache.example.com", 6390), 3), settings.topology());
        assertTrue(settings.tls());
        assertEquals("bot", settings.username());
        assertEquals("p@ss+word", settings.password());
    }

    @Test
    void aPlainUrlWithoutPortOrPathMeansPort6379AndDatabase0() {
        RedisSettings settings = read(Map.of("REDIS_URL", "redis://localhost"));

        assertEquals(new RedisTopology.SingleNode(new RedisNode("localhost", 6379), 0), settings.topology());
        assertFalse(settings.tls());
    }

    @Test
    void clusterNodesMakeAClusterWithTheirSeeds() {
        RedisSettings settings = read(Map.of(
                "REDIS_CLUSTER_NODES", "10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002", "REDIS_TLS", "true"));

        assertEquals(new RedisTopology.Cluster(List.of(new RedisNode("10.0.0.1", 7000), new RedisNode("10.0.0.2", 7001),
                new RedisNode("::1", 7002))), settings.topology());
        assertTrue(settings.tls());
        assertTrue(settings.isCluster());
    }

    @Test
    void sentinelNodesAndMasterMakeASentinelTopology_withTheUsualCredentialsTlsAndDatabase() {
        RedisSettings settings = read(Map.of(
                "REDIS_SENTINEL_NODES", "s1:26379, s2:26379,[::1]:26380", "REDIS_SENTINEL_MASTER", "mymaster",
                "REDIS_DB", "3", "REDIS_USERNAME", "bot", "REDIS_PASSWORD", "master-secret",
                "REDIS_SENTINEL_PASSWORD", "sentinel-secret", "REDIS_TLS", "true"));

        assertEquals(new RedisTopology.Sentinel(List.of(new RedisNode("s1", 26379), new RedisNode("s2", 26379),
                new RedisNode("::1", 26380)), "mymaster", 3, "sentinel-secret"), settings.topology());
        assertEquals("bot", settings.username());
        assertEquals("master-secret", settings.password());
        assertTrue(settings.tls());
        assertFalse(settings.isCluster());
        assertTrue(isConfigured(Map.of("REDIS_SENTINEL_NODES", "s1:26379")));
        assertFalse(settings.toString().contains("secret"), settings.toString());
        assertTrue(settings.toString().contains("sentinelPassword=<set>"), settings.toString());
    }

    @Test
    void sentinelSettingsThatCannotWorkAreRefused() {
        assertMessage(Map.of("REDIS_SENTINEL_NODES", "s1:26379"), "REDIS_SENTINEL_NODES and REDIS_SENTINEL_MASTER go "
                + "together: REDIS_SENTINEL_MASTER is not set (the sentinels' host:port list and the name of the master"
                + " they watch)");
        assertMessage(Map.of("REDIS_SENTINEL_MASTER", "mymaster"), "REDIS_SENTINEL_NODES and REDIS_SENTINEL_MASTER go "
                + "together: REDIS_SENTINEL_NODES is not set (the sentinels' host:port list and the name of the master"
                + " they watch)");
        Map<String, String> sentinel = Map.of("REDIS_SENTINEL_NODES", "s1:26379", "REDIS_SENTINEL_MASTER", "m");
        for (String other : List.of("REDIS_CLUSTER_NODES", "REDIS_URL", "REDIS_HOST")) {
            Map<String, String> both = new HashMap<>(sentinel);
            both.put(other, other.equals("REDIS_URL") ? "redis://r" : "r:7000");
            assertMessage(both, "REDIS_SENTINEL_NODES and " + other + " are both set; configure Redis one way only");
        }
        assertMessage(Map.of("REDIS_SENTINEL_NODES", "s1", "REDIS_SENTINEL_MASTER", "m"),
                "REDIS_SENTINEL_NODES entries must be host:port, got 's1'");
        assertMessage(Map.of("REDIS_SENTINEL_NODES", " , ", "REDIS_SENTINEL_MASTER", "m"),
                "REDIS_SENTINEL_NODES must list host:port pairs separated by commas");
        assertMessage(Map.of("REDIS_HOST", "r", "REDIS_SENTINEL_PASSWORD", "p"), "REDIS_SENTINEL_PASSWORD is set "
                + "without REDIS_SENTINEL_NODES: it is the sentinels' own password, for Redis Sentinel only");
    }

    @Test
    void poolTimeoutRetryAndTtlsAreRead() {
        RedisSettings settings = read(Map.of("REDIS_HOST", "localhost",
                "REDIS_MAX_CONNECTIONS", "64", "REDIS_SOCKET_TIMEOUT", "0.5", "REDIS_RETRY_ATTEMPTS", "5",
                "REDIS_RETRY_BACKOFF_MS", "50", "REDIS_RETRY_MAX_BACKOFF_MS", "400", "CONVERSATION_STATE_TTL", "600",
                "REDIS_DEDUP_TTL", "7200", "REDIS_KEY_PREFIX", "bot-a"));

        assertEquals(64, settings.maxConnections());
        assertEquals(Duration.ofMillis(500), settings.socketTimeout());
        assertEquals(new RedisRetryPolicy(5, Duration.ofMillis(50), Duration.ofMillis(400)), settings.retry());
        assertEquals(Duration.ofMinutes(10), settings.conversationStateTtl());
        assertEquals(Duration.ofHours(2), settings.dedupTtl());
        assertEquals("bot-a", settings.keyPrefix());
    }

    @Test
    void redisIsConfiguredOnlyWhenAnAddressIsGiven() {
        assertFalse(isConfigured(Map.of("REDIS_PORT", "6379", "API_PORT", "8000")));
        assertTrue(isConfigured(Map.of("REDIS_URL", "redis://localhost")));
        assertTrue(isConfigured(Map.of("REDIS_SENTINEL_MASTER", "mymaster")), "the missing half is then reported");
        // The server asks for these settings only once a Redis is named (SilentWeakeningTest has what it says
        // otherwise); a caller that requires a Redis is told how to name one.
        ConfigurationException failure = assertThrows(ConfigurationException.class,
                () -> RedisConfig.settings(new Environment(Map.of("REDIS_PORT", "6379")), Duration.ofHours(1)));
        assertEquals("Redis is not configured: set REDIS_URL, REDIS_HOST, REDIS_CLUSTER_NODES or REDIS_SENTINEL_NODES",
                failure.getMessage());
    }

    @Test
    void badValuesFailWithTheVariableAndWhatIsExpected() {
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_PORT", "80a"),
                "REDIS_PORT must be a whole number between 1 and 65535, got '80a'");
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_DB", "-1"),
                "REDIS_DB must be a whole number between 0 and 2147483647, got '-1'");
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_MAX_CONNECTIONS", "0"),
                "REDIS_MAX_CONNECTIONS must be a whole number between 1 and 10000, got '0'");
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_SOCKET_TIMEOUT", "soon"),
                "REDIS_SOCKET_TIMEOUT must be seconds between 0.001 and 3600 (e.g. 2 or 0.5), got 'soon'");
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_TLS", "maybe"), "REDIS_TLS must be true or false, got 'maybe'");
        assertMessage(Map.of("REDIS_HOST", "h", "CONVERSATION_STATE_TTL", "7200", "REDIS_DEDUP_TTL", "60"),
                "REDIS_DEDUP_TTL (60 s) must be at least CONVERSATION_STATE_TTL (7200 s)");
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_KEY_PREFIX", "bot{a}"),
                "REDIS_KEY_PREFIX must not contain '{' or '}' (they would become the cluster hash tag), got 'bot{a}'");
    }

    @Test
    void badUrlsFailPrecisely() {
        assertMessage(Map.of("REDIS_URL", "http://localhost:6379"),
                "REDIS_URL must start with redis:// or rediss://, got scheme 'http'");
        assertMessage(Map.of("REDIS_URL", "redis://localhost/zero"),
                "the path of REDIS_URL must be a database number such as /0, got '/zero'");
        assertMessage(Map.of("REDIS_URL", "redis://secret@localhost"),
                "the user part of REDIS_URL must be user:password or :password (a bare word is ambiguous)");
        assertMessage(Map.of("REDIS_URL", "redis://:a@localhost", "REDIS_PASSWORD", "b"),
                "REDIS_URL carries credentials, so REDIS_USERNAME and REDIS_PASSWORD must not be set");
        assertMessage(Map.of("REDIS_URL", "redis://localhost", "REDIS_TLS", "true"),
                "REDIS_TLS contradicts the scheme of REDIS_URL (redis://); use rediss:// for TLS and leave REDIS_TLS "
                        + "unset");
    }

    @Test
    void conflictingWaysOfNamingRedisAreRefused() {
        assertMessage(Map.of("REDIS_URL", "redis://a", "REDIS_HOST", "b"),
                "REDIS_URL and REDIS_HOST are both set; configure Redis one way only");
        assertMessage(Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_URL", "redis://b"),
                "REDIS_CLUSTER_NODES and REDIS_URL are both set; configure Redis one way only");
        assertMessage(Map.of("REDIS_CLUSTER_NODES", "a:7000", "REDIS_DB", "1"),
                "REDIS_DB must be 0 or unset with REDIS_CLUSTER_NODES: Redis Cluster has database 0 only");
        assertMessage(Map.of("REDIS_CLUSTER_NODES", "a"), "REDIS_CLUSTER_NODES entries must be host:port, got 'a'");
        assertMessage(Map.of("REDIS_CLUSTER_NODES", "a:x"), "REDIS_CLUSTER_NODES entry 'a:x' has no numeric port");
    }

    @Test
    void thePasswordNeverAppearsInTheSettingsText() {
        RedisSettings settings = read(Map.of("REDIS_URL", "redis://:hunter2@localhost"));

        assertFalse(settings.toString().contains("hunter2"), settings.toString());
        assertTrue(settings.toString().contains("password=<set>"), settings.toString());
    }

    @Test
    void theDedupTtlFollowsALongerStateTtl_andIsRefusedBelowIt() {
        assertEquals(Duration.ofHours(48), read(Map.of("REDIS_HOST", "h", "CONVERSATION_STATE_TTL", "172800")).dedupTtl());
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_DEDUP_TTL", "3599"),
                "REDIS_DEDUP_TTL (3599 s) must be at least CONVERSATION_STATE_TTL (3600 s)");
        assertMessage(Map.of("REDIS_HOST", "h", "REDIS_RETRY_BACKOFF_MS", "500", "REDIS_RETRY_MAX_BACKOFF_MS", "400"),
                "REDIS_RETRY_MAX_BACKOFF_MS (400) must be at least REDIS_RETRY_BACKOFF_MS (500)");
        assertEquals(Duration.ofSeconds(5), read(Map.of("REDIS_HOST", "h", "REDIS_RETRY_BACKOFF_MS", "5000"))
                .retry().maxBackoff(), "a first wait past the default cap raises the cap");
    }

    /** CONVERSATION_STATE_TTL is read once, for both state stores, with the range README.md states. */
    @Test
    void theConversationStateTtlIsReadOnceWithOneRange() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("REDIS_HOST", "h", "CONVERSATION_STATE_TTL", "60"));

        assertEquals(Duration.ofMinutes(1), config.conversationStateTtl());
        assertEquals(Duration.ofMinutes(1), config.redis().orElseThrow().conversationStateTtl());
        assertMessage(Map.of("REDIS_HOST", "h", "CONVERSATION_STATE_TTL", "59"),
                "CONVERSATION_STATE_TTL must be a whole number between 60 and 2592000, got '59'");
    }

    private static RedisSettings read(Map<String, String> environment) {
        return AppConfig.fromEnvironment(environment).redis().orElseThrow();
    }

    private static boolean isConfigured(Map<String, String> environment) {
        return RedisConfig.isConfigured(new Environment(environment));
    }

    private static void assertMessage(Map<String, String> environment, String expected) {
        ConfigurationException failure = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(environment));
        assertEquals(expected, failure.getMessage());
    }
}
