package chat.orchestrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.port.ComponentHealth;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisHealthTest {

    @Test
    void aReachableRedisIsUpWithItsInfoFigures() {
        try (RedisStore store = RedisTestServers.singleNode().openStore()) {
            ComponentHealth health = new RedisHealth(store).check();

            assertEquals("redis", health.component());
            assertTrue(health.up(), health.toString());
            assertEquals(Set.of("connected_clients", "used_memory_human", "keyspace_hits", "keyspace_misses",
                    "maxmemory_policy"), health.figures().keySet());
            assertTrue(Long.parseLong(health.figures().get("connected_clients")) >= 1, health.toString());
            assertTrue(health.figures().get("used_memory_human").matches("\\d+(\\.\\d\\d[KMGTP])?B?"),
                    health.toString());
        }
    }

    @Test
    void aPolicyThatCanEvictConversationStateIsAWarningAndNoevictionIsNone() {
        RedisTestServers.TestRedis server = RedisTestServers.dedicatedNode();
        try (RedisStore store = server.openStore();
             Jedis admin = new Jedis("127.0.0.1", server.ports().getFirst())) {
            admin.configSet("maxmemory-policy", "volatile-lru");
            ComponentHealth evicting = new RedisHealth(store).check();

            assertTrue(evicting.up(), "Redis answers; the policy is a warning, not an outage: " + evicting);
            assertEquals("volatile-lru", evicting.figures().get("maxmemory_policy"));
            assertTrue(evicting.detail().startsWith("warning: maxmemory-policy volatile-lru"), evicting.detail());
            assertTrue(evicting.detail().contains("noeviction"), evicting.detail());

            admin.configSet("maxmemory-policy", "noeviction");
            ComponentHealth safe = new RedisHealth(store).check();

            assertEquals("noeviction", safe.figures().get("maxmemory_policy"));
            assertEquals("", safe.detail());
        } finally {
            server.stop();
        }
    }

    @Test
    void aRedisThatRefusesConfigGetIsUpWithThePolicyUnknownAndAWarning() {
        RedisTestServers.TestRedis server = RedisTestServers.dedicatedNode();
        try (Jedis admin = new Jedis("127.0.0.1", server.ports().getFirst())) {
            // As managed Redis does: a user that may run the orchestrator's commands but not CONFIG.
            admin.aclSetUser("orchestrator", "on", ">secret", "~*", "+@all", "-config");
            RedisSettings open = server.settings();
            RedisSettings restricted = new RedisSettings(open.topology(), "orchestrator", "secret", open.tls(),
                    open.maxConnections(), open.socketTimeout(), open.retry(), open.keyPrefix(),
                    open.conversationStateTtl(), open.dedupTtl());
            try (RedisStore store = RedisStore.open(restricted)) {
                ComponentHealth health = new RedisHealth(store).check();

                assertTrue(health.up(), health.toString());
                assertEquals("unknown", health.figures().get("maxmemory_policy"));
                assertTrue(health.detail().startsWith("warning: maxmemory-policy unknown"), health.detail());
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void onAClusterThePolicyIsEveryMastersPolicy() {
        RedisTestServers.TestRedis cluster = RedisTestServers.cluster();
        try (RedisStore store = cluster.openStore()) {
            setPolicyOnEveryMaster(cluster, "noeviction");
            assertEquals("noeviction", new RedisHealth(store).check().figures().get("maxmemory_policy"));

            try (Jedis one = new Jedis("127.0.0.1", cluster.ports().getLast())) {
                one.configSet("maxmemory-policy", "allkeys-lru");
            }
            ComponentHealth mixed = new RedisHealth(store).check();

            assertEquals("allkeys-lru,noeviction", mixed.figures().get("maxmemory_policy"));
            assertTrue(mixed.detail().startsWith("warning:"), mixed.detail());
        } finally {
            setPolicyOnEveryMaster(cluster, "noeviction");
        }
    }

    private static void setPolicyOnEveryMaster(RedisTestServers.TestRedis redis, String policy) {
        for (int port : redis.ports()) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                node.configSet("maxmemory-policy", policy);
            }
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
