package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.Lease;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The sentinels promote the replica after the master is killed; the adapter follows them by itself. */
class SentinelFailoverTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

    private SentinelGroup group;
    private RedisStore store;

    @BeforeEach
    void startGroup() {
        group = SentinelGroup.start();
        store = RedisStore.open(group.settings());
    }

    @AfterEach
    void stopGroup() {
        store.close();
        group.close();
    }

    @Test
    void afterTheMasterIsKilled_theStoreWorksOnThePromotedReplica_withWhatWasReplicated() {
        ConversationId conversation = newConversation();
        assertEquals(AcceptOutcome.ACCEPTED, store.state().accept(message(conversation, "m1", 0, "Xin chào")));
        Lease before = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        try (Jedis master = new Jedis("127.0.0.1", group.masterPort())) {
            assertEquals(1, master.waitReplicas(1, 5_000), "the replica acknowledged the writes");
        }

        group.killMaster();
        ComponentHealth meanwhile = new RedisHealth(store).check();
        assertFalse(meanwhile.up(), meanwhile.toString());
        assertTrue(meanwhile.detail().contains("the master 'orchestrator' of the sentinels [127.0.0.1:"),
                meanwhile.detail());
        group.awaitReplicaPromoted(FAILOVER_BOUND);
        await("the client follows the sentinels to the new master").atMost(FAILOVER_BOUND)
                .pollInterval(Duration.ofMillis(100)).until(() -> store.stats().ping());

        assertEquals(group.replicaPort(), group.currentMasterPort());
        assertEquals(Set.of(MessageId.of("m1")), store.state().pendingIds(conversation));
        assertEquals(AcceptOutcome.ALREADY_SEEN, store.state().accept(message(conversation, "m1", 0, "Xin chào")));
        assertFalse(store.locks().tryAcquire(conversation, TTL).isPresent(), "the replicated lease still holds");
        ConversationId other = newConversation();
        Lease after = store.locks().tryAcquire(other, TTL).orElseThrow();
        assertTrue(after.fencingToken().isNewerThan(before.fencingToken()),
                "tokens keep growing on the promoted replica: " + before + " then " + after);
        ComponentHealth health = new RedisHealth(store).check();
        assertTrue(health.up(), health.toString());
        assertEquals(group.settings().maxConnections(), store.poolFigures().maxTotal(),
                "the pool figures are the new master's pool");
    }
}
