package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.http.ai.AiClientSettings;
import chat.orchestrator.http.pancake.PageTokens;
import chat.orchestrator.http.pancake.PancakeClientSettings;
import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.postgres.PostgresSslMode;
import chat.orchestrator.redis.RedisNode;
import chat.orchestrator.redis.RedisSettings;
import chat.orchestrator.redis.RedisTopology;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage, AI and Pancake variables of environment.example, read with the adapters' own rules and refused with
 * the name.
 */
class AppConfigOutboundAndStoresTest {

    @Test
    void redisIsConfiguredByItsUrl_theAdapterReadsTheRest() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("REDIS_URL", "redis://:s3cret@cache.internal:6380/2",
                "REDIS_MAX_CONNECTIONS", "32", "REDIS_KEY_PREFIX", "shop-a", "CONVERSATION_STATE_TTL", "7200"));

        RedisSettings redis = config.redis().orElseThrow();
        assertEquals(new RedisTopology.SingleNode(new RedisNode("cache.internal", 6380), 2), redis.topology());
        assertEquals("s3cret", redis.password());
        assertEquals(32, redis.maxConnections());
        assertEquals("shop-a", redis.keyPrefix());
        assertEquals(Duration.ofHours(2), redis.conversationStateTtl());
        assertEquals(Duration.ofHours(2), config.conversationStateTtl());
    }

    @Test
    void redisHostOrClusterNodesConfigureRedisToo() {
        assertEquals(new RedisTopology.SingleNode(new RedisNode("redis", 6379), 0),
                AppConfig.fromEnvironment(Map.of("REDIS_HOST", "redis")).redis().orElseThrow().topology());
        RedisSettings cluster = AppConfig.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "r1:7000,r2:7001,r3:7002",
                "REDIS_TLS", "true")).redis().orElseThrow();
        assertTrue(cluster.isCluster());
        assertTrue(cluster.tls());
        assertEquals(new RedisTopology.Cluster(List.of(new RedisNode("r1", 7000), new RedisNode("r2", 7001),
                new RedisNode("r3", 7002))), cluster.topology());
    }

    @Test
    void redisSentinelNodesAndMasterConfigureRedisBehindSentinel() {
        RedisSettings sentinel = AppConfig.fromEnvironment(Map.of("REDIS_SENTINEL_NODES", "s1:26379,s2:26379,s3:26379",
                "REDIS_SENTINEL_MASTER", "orchestrator", "REDIS_PASSWORD", "m", "REDIS_SENTINEL_PASSWORD", "s"))
                .redis().orElseThrow();

        assertEquals(new RedisTopology.Sentinel(List.of(new RedisNode("s1", 26379), new RedisNode("s2", 26379),
                new RedisNode("s3", 26379)), "orchestrator", 0, "s"), sentinel.topology());
        assertEquals("m", sentinel.password());
    }

    @Test
    void postgresIsConfiguredByItsVariablesOrDatabaseUrl() {
        PostgresSettings byVariables = AppConfig.fromEnvironment(Map.of("POSTGRES_HOST", "db", "POSTGRES_PORT", "5433",
                "POSTGRES_DB", "orchestrator", "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw",
                "POSTGRES_SSL_MODE", "require", "POSTGRES_POOL_SIZE", "20")).postgres().orElseThrow();
        PostgresSettings byUrl = AppConfig.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://app:pw@db:5433/orchestrator?sslmode=require")).postgres().orElseThrow();

        assertEquals(new PostgresSettings("db", 5433, "orchestrator", "app", "pw", PostgresSslMode.REQUIRE, 20,
                PostgresSettings.DEFAULT_CONNECTION_TIMEOUT), byVariables);
        assertEquals(byVariables.withPoolSize(PostgresSettings.DEFAULT_POOL_SIZE), byUrl);
    }

    @Test
    void theAiServiceSpeaksOpenAiByDefault_withTheDocumentedTimeout() {
        AiServiceConfig ai = AppConfig.fromEnvironment(Map.of("AI_SERVICE_URL", "http://vllm:8000/v1/",
                "AI_MODEL", "qwen2.5-7b-instruct", "AI_API_KEY", "sk-test")).ai().orElseThrow();

        assertEquals(AiServiceConfig.Protocol.OPENAI, ai.protocol());
        assertEquals(URI.create("http://vllm:8000/v1"), ai.client().serviceUrl());
        assertEquals(Optional.of("qwen2.5-7b-instruct"), ai.client().model());
        assertEquals(Optional.of("sk-test"), ai.client().apiKey());
        assertEquals(Duration.ofSeconds(30), ai.client().timeout());
        assertEquals(AiClientSettings.DEFAULT_MAX_ATTEMPTS, ai.client().maxAttempts());
    }

    @Test
    void theNativeProtocolNeedsNoModel() {
        AiServiceConfig ai = AppConfig.fromEnvironment(Map.of("AI_SERVICE_URL", "https://ai.example.com",
                "AI_SERVICE_PROTOCOL", "NATIVE", "AI_SERVICE_TIMEOUT", "5")).ai().orElseThrow();

        assertEquals(AiServiceConfig.Protocol.NATIVE, ai.protocol());
        assertEquals(Optional.empty(), ai.client().model());
        assertEquals(Duration.ofSeconds(5), ai.client().timeout());
    }

    @Test
    void pancakeDefaultsToCallbackMode_andSendsBackTheConfiguredAccessToken() {
        PancakeConfig pancake = AppConfig.fromEnvironment(Map.of("PANCAKE_BASE_URL", "https://pancake.example.com",
                "PANCAKE_ACCESS_TOKEN", "shared-secret")).pancake().orElseThrow();

        assertEquals(PancakeConfig.Mode.CALLBACK, pancake.mode());
        assertEquals(URI.create("https://pancake.example.com"), pancake.client().baseUrl());
        assertEquals(PancakeClientSettings.DEFAULT_CALLBACK_PATH, pancake.client().callbackPath());
        assertEquals(Optional.of("shared-secret"), pancake.client().accessToken());
    }

    @Test
    void publicApiModeTakesThePageAndItsToken() {
        PancakeConfig pancake = AppConfig.fromEnvironment(Map.of("PANCAKE_BASE_URL", "https://pages.fm",
                "PANCAKE_MODE", "public_api", "PANCAKE_PAGE_ID", "1234567890",
                "PANCAKE_PAGE_ACCESS_TOKEN", "page-token", "PANCAKE_CALLBACK_PATH", "/hooks/answers")).pancake().orElseThrow();

        assertEquals(PancakeConfig.Mode.PUBLIC_API, pancake.mode());
        assertEquals(Optional.of("1234567890"), pancake.client().pageId());
        assertEquals(Optional.of("page-token"), pancake.client().pageAccessToken());
        assertEquals("/hooks/answers", pancake.client().callbackPath());
        assertEquals(Optional.empty(), pancake.client().accessToken());
    }

    @Test
    void publicApiModeTakesSeveralPagesWithATokenEach_besideTheSimplePair() {
        PancakeConfig pancake = AppConfig.fromEnvironment(Map.of("PANCAKE_BASE_URL", "https://pages.fm",
                "PANCAKE_MODE", "public_api", "PANCAKE_PAGE_ID", "1234567890", "PANCAKE_PAGE_ACCESS_TOKEN", "fb-token",
                "PANCAKE_PAGE_ACCESS_TOKENS", "17841400000000001:ig-token,3344556677:zalo-token")).pancake().orElseThrow();

        PageTokens pages = pancake.pages().orElseThrow();
        assertEquals(List.of("1234567890", "17841400000000001", "3344556677"), pages.pages());
        assertEquals(Optional.of("1234567890"), pages.defaultPage());
    }

    @Test
    void publicApiModeWithOnlyTheListOfPages_hasNoDefaultPage() {
        PancakeConfig pancake = AppConfig.fromEnvironment(Map.of("PANCAKE_BASE_URL", "https://pages.fm",
                "PANCAKE_MODE", "public_api", "PANCAKE_PAGE_ACCESS_TOKENS", "999:t-999")).pancake().orElseThrow();

        assertEquals(List.of("999"), pancake.pages().orElseThrow().pages());
        assertEquals(Optional.empty(), pancake.pages().orElseThrow().defaultPage());
    }

    @Test
    void theWebhookSecretAndDebugAreRead() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("PANCAKE_WEBHOOK_SECRET", "hmac-key", "DEBUG", "true",
                "ENVIRONMENT", "staging"));

        assertEquals(Optional.of("hmac-key"), config.webhookSecret());
        assertTrue(config.debug());
        assertEquals("DEBUG", config.logLevel());
        assertEquals("staging", config.environment());
    }

    @Test
    void theConfigurationPrintsNoSecret() {
        String printed = AppConfig.fromEnvironment(Map.ofEntries(
                Map.entry("PANCAKE_ACCESS_TOKEN", "token-one"), Map.entry("ADMIN_ACCESS_TOKEN", "token-two"),
                Map.entry("PANCAKE_WEBHOOK_SECRET", "token-three"), Map.entry("REDIS_PASSWORD", "token-four"),
                Map.entry("REDIS_HOST", "redis"), Map.entry("DATABASE_URL", "postgres://app:token-five@db/app"),
                Map.entry("AI_SERVICE_URL", "http://ai/v1"), Map.entry("AI_MODEL", "m"),
                Map.entry("AI_API_KEY", "token-six"), Map.entry("PANCAKE_BASE_URL", "https://pages.fm"),
                Map.entry("PANCAKE_MODE", "public_api"), Map.entry("PANCAKE_PAGE_ID", "42"),
                Map.entry("PANCAKE_PAGE_ACCESS_TOKEN", "token-seven"),
                Map.entry("PANCAKE_PAGE_ACCESS_TOKENS", "77:token-eight"))).toString();

        assertFalse(printed.contains("token-"), printed);
        assertTrue(printed.contains("redis") && printed.contains("pages.fm"), printed);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("AI_SERVICE_PROTOCOL", "AI_SERVICE_URL", "http://ai/v1", "AI_MODEL", "m", "AI_SERVICE_PROTOCOL", "grpc"),
                bad("AI_SERVICE_URL", "AI_SERVICE_URL", "ftp://ai/v1", "AI_MODEL", "m"),
                bad("AI_SERVICE_URL", "AI_SERVICE_URL", "http://ai/v1 with spaces", "AI_MODEL", "m"),
                bad("AI_SERVICE_TIMEOUT", "AI_SERVICE_URL", "http://ai/v1", "AI_MODEL", "m", "AI_SERVICE_TIMEOUT", "0"),
                bad("AI_SERVICE_TIMEOUT", "AI_SERVICE_URL", "http://ai/v1", "AI_MODEL", "m", "AI_SERVICE_TIMEOUT", "soon"),
                bad("AI_MODEL", "AI_SERVICE_URL", "http://ai/v1"),
                bad("AI_MODEL", "AI_MODEL", "qwen"),
                bad("PANCAKE_MODE", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_MODE", "webhook"),
                bad("PANCAKE_PAGE_ID", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_MODE", "public_api",
                        "PANCAKE_PAGE_ACCESS_TOKEN", "t"),
                bad("PANCAKE_PAGE_ACCESS_TOKEN", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_MODE", "public_api",
                        "PANCAKE_PAGE_ID", "42"),
                bad("PANCAKE_PAGE_ACCESS_TOKENS", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_MODE", "public_api",
                        "PANCAKE_PAGE_ACCESS_TOKENS", "999"),
                bad("PANCAKE_PAGE_ID", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_MODE", "public_api",
                        "PANCAKE_PAGE_ID", "42", "PANCAKE_PAGE_ACCESS_TOKENS", "999:t-999"),
                bad("PANCAKE_BASE_URL", "PANCAKE_BASE_URL", "pages.fm"),
                bad("PANCAKE_CALLBACK_PATH", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_CALLBACK_PATH", "actions"),
                bad("PANCAKE_ACCESS_TOKEN", "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_ACCESS_TOKEN", "two words"),
                bad("PANCAKE_PAGE_ID", "PANCAKE_PAGE_ID", "42"),
                bad("REDIS_PORT", "REDIS_HOST", "redis", "REDIS_PORT", "80a"),
                bad("REDIS_URL", "REDIS_URL", "http://redis:6379"),
                bad("REDIS_CLUSTER_NODES", "REDIS_CLUSTER_NODES", "r1"),
                bad("REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_NODES", "s1:26379"),
                bad("REDIS_SENTINEL_NODES", "REDIS_SENTINEL_MASTER", "orchestrator"),
                bad("REDIS_CLUSTER_NODES", "REDIS_SENTINEL_NODES", "s1:26379", "REDIS_SENTINEL_MASTER", "orchestrator",
                        "REDIS_CLUSTER_NODES", "r1:7000"),
                bad("POSTGRES_POOL_SIZE", "POSTGRES_HOST", "db", "POSTGRES_DB", "app", "POSTGRES_USER", "app",
                        "POSTGRES_POOL_SIZE", "0"),
                bad("POSTGRES_DB", "POSTGRES_HOST", "db", "POSTGRES_USER", "app"),
                bad("DATABASE_URL", "DATABASE_URL", "mysql://db/app"),
                bad("DEBUG", "DEBUG", "verbose"));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("badValues")
    void aBadValueStopsTheStartWithAMessageNamingTheVariable(String named, Map<String, String> environment) {
        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(environment));

        assertTrue(error.getMessage().contains(named), error.getMessage());
    }

    private static Arguments bad(String named, String... nameValuePairs) {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            environment.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return Arguments.of(named, environment);
    }
}
