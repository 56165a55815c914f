package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Configuration that used to weaken the server without a word now stops the start, naming the variable. */
class SilentWeakeningTest {

    @ParameterizedTest(name = "{0} without a Redis")
    @CsvSource({"REDIS_PORT, 6380", "REDIS_PASSWORD, s3cret", "REDIS_DB, 2", "REDIS_KEY_PREFIX, app",
            "REDIS_MAX_CONNECTIONS, 8", "REDIS_SENTINEL_PASSWORD, s3cret"})
    void aRedisSettingWithoutARedis_stopsTheStart(String variable, String value) {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of(variable, value)));

        assertTrue(refused.getMessage().startsWith(variable + " is set but none of REDIS_URL, REDIS_HOST, "
                + "REDIS_CLUSTER_NODES or REDIS_SENTINEL_NODES is"), refused.getMessage());
    }

    @Test
    void aPostgresConnectionTimeoutWithoutAPostgres_stopsTheStart() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of("POSTGRES_CONNECTION_TIMEOUT_MS", "500")));

        assertTrue(refused.getMessage().startsWith("POSTGRES_CONNECTION_TIMEOUT_MS is set but neither"), refused.getMessage());
    }

    @ParameterizedTest(name = "{0}={1} with {2} set")
    @CsvSource({"REDIS_HOST, redis, ", "DATABASE_URL, postgres://app:pw@db/app, ",
            "REDIS_HOST, redis, PANCAKE_ACCESS_TOKEN", "REDIS_HOST, redis, ADMIN_ACCESS_TOKEN"})
    void sharedStoresWithoutBothTokens_stopTheStart(String store, String address, String onlyToken) {
        Map<String, String> variables = onlyToken == null ? Map.of(store, address) : Map.of(store, address, onlyToken, "t1");

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> Tokens.from(AppConfig.fromEnvironment(variables)));

        assertTrue(refused.getMessage().contains("PANCAKE_ACCESS_TOKEN and ADMIN_ACCESS_TOKEN are required"),
                refused.getMessage());
    }

    @Test
    void sharedStoresWithBothTokens_start() {
        Tokens tokens = Tokens.from(AppConfig.fromEnvironment(Map.of("REDIS_HOST", "redis",
                "PANCAKE_ACCESS_TOKEN", "message", "ADMIN_ACCESS_TOKEN", "admin")));

        assertEquals("message", tokens.pancake());
        assertEquals(false, tokens.generated());
    }
}
