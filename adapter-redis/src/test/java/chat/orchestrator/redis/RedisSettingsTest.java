package chat.orchestrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings built in code; the server's variables are read by app-server (its RedisConfigTest). */
class RedisSettingsTest {

    @Test
    void aSingleNodeHasTheDefaultsTheDocsState() {
        RedisSettings settings = RedisSettings.singleNode("redis.internal", 6380);

        assertEquals(new RedisTopology.SingleNode(new RedisNode("redis.internal", 6380), 0), settings.topology());
        assertEquals("", settings.password());
        assertFalse(settings.tls());
        assertEquals(16, settings.maxConnections());
        assertEquals(Duration.ofSeconds(2), settings.socketTimeout());
        assertEquals("orchestrator", settings.keyPrefix());
        assertEquals(Duration.ofHours(1), settings.conversationStateTtl());
        assertEquals(Duration.ofHours(24), settings.dedupTtl());
        assertEquals(RedisRetryPolicy.defaults(), settings.retry());
    }

    @Test
    void theDefaultDedupTtlIsADay_orTheStateTtlWhenThatIsLonger() {
        assertEquals(Duration.ofHours(24), RedisSettings.defaultDedupTtl(Duration.ofHours(1)));
        assertEquals(Duration.ofHours(24), RedisSettings.defaultDedupTtl(Duration.ofHours(24)));
        assertEquals(Duration.ofHours(25), RedisSettings.defaultDedupTtl(Duration.ofHours(25)));
    }

    @Test
    void aDedupTtlShorterThanTheStateTtlIsRefused() {
        RedisSettings settings = RedisSettings.singleNode("localhost", 6379);

        assertThrows(IllegalArgumentException.class,
                () -> settings.withTtls(Duration.ofHours(2), Duration.ofHours(1)));
    }

    @Test
    void thePasswordsNeverAppearInTheSettingsText() {
        RedisSettings settings = new RedisSettings(new RedisTopology.Sentinel(List.of(new RedisNode("s1", 26379)),
                "mymaster", 0, "sentinel-secret"), "bot", "hunter2", false, 16, Duration.ofSeconds(2),
                RedisRetryPolicy.defaults(), "orchestrator", Duration.ofHours(1), Duration.ofHours(24));

        assertFalse(settings.toString().contains("hunter2"), settings.toString());
        assertFalse(settings.toString().contains("secret"), settings.toString());
        assertTrue(settings.toString().contains("password=<set>"), settings.toString());
        assertTrue(settings.toString().contains("sentinelPassword=<set>"), settings.toString());
    }

    @Test
    void aBraceInTheKeyPrefixIsRefusedInCodeToo() {
        assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.singleNode("localhost", 6379).withKeyPrefix("a{b"));
    }
}
