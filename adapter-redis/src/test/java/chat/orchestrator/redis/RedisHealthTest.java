package chat.orchestrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.port.ComponentHealth;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisHealthTest {

    @Test
    void aReachableRedisIsUpWithItsInfoFigures() {
        try (RedisStore store = RedisTestServers.singleNode().openStore()) {
            ComponentHealth health = new RedisHealth(store).check();

            assertEquals("redis", health.component());
            assertTrue(health.up(), health.toString());
            assertEquals(Set.of("connected_clients", "used_memory_human", "keyspace_hits", "keyspace_misses"),
                    health.figures().keySet());
            assertTrue(Long.parseLong(health.figures().get("connected_clients")) >= 1, health.toString());
            assertTrue(health.figures().get("used_memory_human").matches("\\d+(\\.\\d\\d[KMGTP])?B?"),
                    health.toString());
        }
    }

    @Test
    void aStoppedRedisIsDownAndSaysWhereItWasLookedFor() {
        RedisTestServers.TestRedis server = RedisTestServers.dedicatedNode();
        try (RedisStore store = server.openStore()) {
            server.stop();

            ComponentHealth health = new RedisHealth(store).check();

            assertFalse(health.up());
            assertEquals("redis", health.component());
            assertTrue(health.detail().contains("127.0.0.1:" + server.ports().getFirst()), health.detail());
            assertTrue(health.figures().isEmpty());
        } finally {
            server.stop();
        }
    }
}
