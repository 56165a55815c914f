package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Redis stops and comes back on the same port while the adapter is in use; it has a server of its own. */
class RedisRestartTest {
    private static final Duration TTL = Duration.ofSeconds(10);

    private RedisTestServers.TestRedis server;
    private RedisStore store;

    @BeforeEach
    void startRedis() {
        server = RedisTestServers.dedicatedNode();
        // Several pooled connections, so a restart leaves several dead ones behind.
        store = RedisStore.open(server.settings().withMaxConnections(8));
    }

    @AfterEach
    void stopRedis() {
        store.close();
        server.stop();
    }

    @Test
    void whileRedisIsDownEveryCallFailsAsUnavailableAndNoLockIsGranted() {
        ConversationId conversation = newConversation();
        Lease held = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        server.stop();

        StoreUnavailableException refused = assertThrows(StoreUnavailableException.class,
                () -> store.locks().tryAcquire(newConversation(), TTL));
        assertTrue(refused.getMessage().contains("acquiring the lock of conversation"), refused.getMessage());
        assertTrue(refused.getMessage().contains("3 attempts"), refused.getMessage());
        assertThrows(StoreUnavailableException.class, () -> store.locks().renew(held, TTL));
        assertThrows(StoreUnavailableException.class, () -> store.locks().releaseIfNoPending(held));
        assertThrows(StoreUnavailableException.class,
                () -> store.state().accept(message(conversation, "m1", 0, "Xin chào")));
        assertThrows(StoreUnavailableException.class, () -> store.state().pendingIds(conversation));
        assertThrows(StoreUnavailableException.class, () -> store.state().snapshot(conversation, 10));
        assertThrows(StoreUnavailableException.class,
                () -> store.locks().raiseFencingFloor(conversation, held.fencingToken()));
        assertThrows(StoreUnavailableException.class, () -> store.jobs().find(UUID.randomUUID()));
        assertThrows(StoreUnavailableException.class, () -> store.stats().statistics());
        assertFalse(store.stats().ping());
    }

    @Test
    void afterRedisComesBackTheAdapterReconnectsByItself() {
        warmUpThePool();
        server.stop();
        assertThrows(StoreUnavailableException.class, () -> store.locks().tryAcquire(newConversation(), TTL));

        server.start();

        // The first call after the restart already works: dead pooled connections are dropped, scripts reloaded.
        ConversationId conversation = newConversation();
        assertTrue(store.locks().tryAcquire(conversation, TTL).isPresent());
        assertEquals(AcceptOutcome.ACCEPTED, store.state().accept(message(conversation, "m1", 0, "Xin chào")));
        assertEquals(Set.of(chat.orchestrator.core.domain.MessageId.of("m1")), store.state().pendingIds(conversation));
        Job job = Job.queued(conversation, java.util.List.of(), Instant.now());
        store.jobs().create(job, TTL);
        assertEquals(job, store.jobs().find(job.id()).orElseThrow());
        assertTrue(store.stats().ping());
    }

    @Test
    void aFloorRaisedAfterRedisCameBackEmptyLiftsTheNextTokenAboveWhatPostgresSaw() {
        ConversationId conversation = newConversation();
        // Tokens drawn before the loss ran ahead of the server clock (a counter lifted earlier, or a clock that has
        // since been set back); PostgreSQL remembers the highest of them.
        store.locks().raiseFencingFloor(conversation, aDayAheadOfTheClock());
        Lease highestPostgresSaw = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        server.stop();
        server.start();

        Lease fromTheClockAlone = store.locks().tryAcquire(conversation, TTL).orElseThrow();
        assertTrue(highestPostgresSaw.fencingToken().isNewerThan(fromTheClockAlone.fencingToken()),
                "without the floor, PostgreSQL would refuse every write of this holder as stale");
        assertTrue(store.locks().release(fromTheClockAlone));
        store.locks().raiseFencingFloor(conversation, highestPostgresSaw.fencingToken());
        Lease lifted = store.locks().tryAcquire(conversation, TTL).orElseThrow();

        assertTrue(lifted.fencingToken().isNewerThan(highestPostgresSaw.fencingToken()));
    }

    @Test
    void scriptsFlushedFromTheServerAreLoadedAgain() {
        ConversationId conversation = newConversation();
        store.locks().tryAcquire(conversation, TTL).orElseThrow();
        try (Jedis admin = new Jedis("127.0.0.1", server.ports().getFirst())) {
            admin.scriptFlush();
        }

        assertTrue(store.locks().inspect(conversation).isPresent());
        assertTrue(store.locks().tryAcquire(newConversation(), TTL).isPresent());
        assertTrue(store.state().snapshot(conversation, 10).ids().isEmpty());
        ConversationId other = newConversation();
        FencingToken floor = aDayAheadOfTheClock();
        store.locks().raiseFencingFloor(other, floor);
        assertTrue(store.locks().tryAcquire(other, TTL).orElseThrow().fencingToken().isNewerThan(floor));
        // The combined accept goes in a pipeline with the index update; its NOSCRIPT is answered there too.
        try (Jedis admin = new Jedis("127.0.0.1", server.ports().getFirst())) {
            admin.scriptFlush();
        }
        InboundMessage hello = message(newConversation(), "m1", 0, "hello");
        Admission admitted = store.locks().acceptAndTryAcquire(hello, TTL);
        assertEquals(AcceptOutcome.ACCEPTED, admitted.accept());
        assertTrue(admitted.lease().isPresent());
        assertEquals(Set.of(hello.id()), store.state().pendingIds(hello.conversationId()));
        assertTrue(store.state().conversations(0, 100).conversations().stream()
                .anyMatch(c -> c.conversationId().equals(hello.conversationId())), "indexed in the same round trip");
    }

    /** Above any token the server clock gives today: lock-acquire never draws less than the clock in µs. */
    private static FencingToken aDayAheadOfTheClock() {
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        return new FencingToken(tomorrow.getEpochSecond() * 1_000_000 + tomorrow.getNano() / 1_000);
    }

    /** Opens every pooled connection, so the restart leaves all of them dead. */
    private void warmUpThePool() {
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofVirtual().start(() -> {
                for (int n = 0; n < 50; n++) {
                    store.locks().tryAcquire(newConversation(), TTL);
                }
            });
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
