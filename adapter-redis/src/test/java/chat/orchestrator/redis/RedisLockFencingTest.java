package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockInfo;
import chat.orchestrator.core.port.ReleaseOutcome;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** What the lock contract leaves to the store: how the lease and the fencing counter live in Redis. */
class RedisLockFencingTest {
    private static final Duration SHORT_TTL = Duration.ofMillis(300);
    private static final Duration TTL = Duration.ofSeconds(10);
    private static RedisStore store;

    private final RedisKeys keys = new RedisKeys(RedisSettings.DEFAULT_KEY_PREFIX);
    private Jedis redis;

    @BeforeAll
    static void openStore() {
        store = RedisTestServers.singleNode().openStore();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @BeforeEach
    void emptyRedis() {
        RedisTestServers.singleNode().flush();
        redis = new Jedis("127.0.0.1", RedisTestServers.singleNode().ports().getFirst());
    }

    @AfterEach
    void disconnect() {
        redis.close();
    }

    @Test
    void aHolderThatStopsRenewingLosesTheLockToAHigherTokenAndCannotDeleteIt() {
        ConversationId conversation = newConversation();
        Lease stalled = store.locks().tryAcquire(conversation, SHORT_TTL).orElseThrow();

        RedisTestServers.sleep(SHORT_TTL.multipliedBy(2));
        Lease next = store.locks().tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(next.fencingToken().isNewerThan(stalled.fencingToken()));
        assertFalse(store.locks().release(stalled));
        assertFalse(store.locks().renew(stalled, TTL));
        assertFalse(store.state().removePending(stalled, Set.of()));
        assertEquals(next.fencingToken().value() + ":" + next.ownerToken(),
                redis.get(keys.conversation(conversation).lock()));
    }

    @Test
    void theFencingCounterOutlivesTheExpiredLock_andIsKeptOnlyUntilTheClockHasPassedItPlusAMinute() {
        ConversationId conversation = newConversation();
        RedisKeys.ConversationKeys key = keys.conversation(conversation);
        Lease lease = store.locks().tryAcquire(conversation, SHORT_TTL).orElseThrow();

        RedisTestServers.sleep(SHORT_TTL.multipliedBy(2));

        assertFalse(redis.exists(key.lock()));
        assertEquals(Long.toString(lease.fencingToken().value()), redis.get(key.fence()));
        long ttl = redis.pttl(key.fence());
        assertTrue(ttl > 0 && ttl <= 60_000, "the counter is bounded, PTTL " + ttl);
    }

    @Test
    void aCounterThatExpiredStillGivesTheNextHolderAHigherToken() {
        ConversationId conversation = newConversation();
        Lease before = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        assertTrue(store.locks().release(before));

        // What its expiry does, without waiting a minute.
        redis.del(keys.conversation(conversation).fence());
        Lease after = store.locks().tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(after.fencingToken().isNewerThan(before.fencingToken()));
    }

    @Test
    void noWayOfLettingGoOfALockDeletesTheCounter() {
        ConversationId conversation = newConversation();
        String fence = keys.conversation(conversation).fence();

        assertTrue(store.locks().release(store.locks().tryAcquire(conversation, TTL).orElseThrow()));
        assertEquals(ReleaseOutcome.RELEASED,
                store.locks().releaseIfNoPending(store.locks().tryAcquire(conversation, TTL).orElseThrow()));
        Lease third = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        assertTrue(store.locks().forceRelease(conversation));
        Lease fourth = store.locks().tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(fourth.fencingToken().isNewerThan(third.fencingToken()));
        assertEquals(Long.toString(fourth.fencingToken().value()), redis.get(fence));
    }

    @Test
    void tokensKeepGrowingAfterRedisLosesItsData_soPostgresDoesNotRefuseTheConversationForEver() {
        ConversationId conversation = newConversation();
        Lease beforeTheLoss = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        // Many acquisitions before the loss: a plain counter would restart far below this one.
        redis.set(keys.conversation(conversation).fence(), Long.toString(beforeTheLoss.fencingToken().value() + 1_000));
        Lease highWater = store.locks().tryAcquire(newConversation(), TTL).orElseThrow();

        RedisTestServers.singleNode().flush();
        RedisTestServers.sleep(Duration.ofMillis(5));
        Lease afterTheLoss = store.locks().tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(afterTheLoss.fencingToken().isNewerThan(beforeTheLoss.fencingToken()));
        assertTrue(afterTheLoss.fencingToken().isNewerThan(highWater.fencingToken()),
                "tokens follow the server clock, so they pass anything drawn before the loss");
    }

    @Test
    void aFloorPastWhatLuaCountsExactlyIsRefusedBeforeRedisIsAsked() {
        ConversationId conversation = newConversation();
        String fence = keys.conversation(conversation).fence();

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> store.locks().raiseFencingFloor(conversation, new FencingToken(1L << 53)));

        assertTrue(refused.getMessage().contains(conversation.value()), refused.getMessage());
        assertFalse(redis.exists(fence));
        store.locks().raiseFencingFloor(conversation, new FencingToken((1L << 53) - 1));
        assertEquals(1L << 53, store.locks().tryAcquire(conversation, TTL).orElseThrow().fencingToken().value());
        assertTrue(redis.pttl(fence) > Duration.ofDays(365).toMillis(),
                "a counter ahead of the clock is kept until the clock has passed it, PTTL " + redis.pttl(fence));
    }

    @Test
    void theLeaseIsAPxExpiryOnTheLockKey() {
        ConversationId conversation = newConversation();
        store.locks().tryAcquire(conversation, TTL).orElseThrow();

        long remaining = redis.pttl(keys.conversation(conversation).lock());

        assertTrue(remaining > TTL.toMillis() - 1_000 && remaining <= TTL.toMillis(), "PTTL " + remaining);
    }

    @Test
    void inspectReportsTheCurrentHoldersTokenNotTheCountersLatest() {
        ConversationId conversation = newConversation();
        Lease holder = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        // A competitor that loses still may not move what inspect reports.
        assertTrue(store.locks().tryAcquire(conversation, TTL).isEmpty());

        LockInfo info = store.locks().inspect(conversation).orElseThrow();

        assertEquals(holder.fencingToken(), info.fencingToken());
        assertEquals(holder.ownerToken(), info.ownerToken());
    }

    @Test
    void releaseIfNoPendingSeesAMessageAcceptedAfterTheLastCheck() {
        ConversationId conversation = newConversation();
        Lease lease = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        store.state().accept(message(conversation, "late", 0, "one more thing"));

        assertEquals(ReleaseOutcome.PENDING_REMAIN, store.locks().releaseIfNoPending(lease));
        assertEquals(lease.ownerToken(), store.locks().inspect(conversation).orElseThrow().ownerToken());
    }
}
