package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** TTLs, the lazily pruned index, and sizes the contract does not reach. */
class RedisStateExpiryTest {
    private static final Duration STATE_TTL = Duration.ofMillis(500);
    private static final Duration DEDUP_TTL = Duration.ofSeconds(30);
    private static RedisStore store;
    private final RedisKeys keys = new RedisKeys(RedisSettings.DEFAULT_KEY_PREFIX);

    @BeforeAll
    static void openStore() {
        store = RedisStore.open(RedisTestServers.singleNode().settings().withTtls(STATE_TTL, DEDUP_TTL));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @BeforeEach
    void emptyRedis() {
        RedisTestServers.singleNode().flush();
    }

    @Test
    void everyConversationKeyExpires_theFencingCounterOnceTheClockHasPassedIt() {
        ConversationId conversation = newConversation();
        store.state().accept(message(conversation, "m1", 0, "Xin chào"));
        store.locks().tryAcquire(conversation, Duration.ofSeconds(5)).orElseThrow();
        RedisKeys.ConversationKeys key = keys.conversation(conversation);

        try (Jedis redis = jedis()) {
            for (String expiring : List.of(key.lock(), key.pending(), key.bodies(), key.summary())) {
                long ttl = redis.pttl(expiring);
                assertTrue(ttl > 0 && ttl <= 5_000, expiring + " has PTTL " + ttl);
            }
            long seen = redis.pttl(key.seen());
            assertTrue(seen > STATE_TTL.toMillis() && seen <= DEDUP_TTL.toMillis(), "seen has PTTL " + seen);
            long fence = redis.pttl(key.fence());
            assertTrue(fence > 0 && fence <= 60_000, "fence has PTTL " + fence);
        }
    }

    @Test
    void aDuplicateIsStillRecognisedAfterTheConversationStateExpired() {
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "Xin chào");
        store.state().accept(hello);

        RedisTestServers.sleep(STATE_TTL.multipliedBy(2));

        assertTrue(store.state().conversation(conversation).isEmpty());
        assertEquals(chat.orchestrator.core.port.AcceptOutcome.ALREADY_SEEN, store.state().accept(hello));
    }

    @Test
    void expiredConversationsArePrunedFromTheListingWhenMet() {
        ConversationId old = newConversation();
        store.state().accept(message(old, "m1", 0, "old"));
        RedisTestServers.sleep(STATE_TTL.multipliedBy(2));
        ConversationId fresh = newConversation();
        store.state().accept(message(fresh, "m1", 1_000, "fresh"));
        ConversationId freshest = newConversation();
        store.state().accept(message(freshest, "m1", 2_000, "freshest"));

        ConversationPage second = store.state().conversations(1, 1);
        ConversationPage all = store.state().conversations(0, 10);

        assertEquals(List.of(fresh), second.conversations().stream().map(ConversationState::conversationId).toList());
        assertEquals(List.of(freshest, fresh),
                all.conversations().stream().map(ConversationState::conversationId).toList());
        assertEquals(2, all.total());
    }

    @Test
    void aBatchLargerThanLuasUnpackLimitIsRemovedInOneCall() {
        ConversationId conversation = newConversation();
        Set<MessageId> ids = new HashSet<>();
        for (int i = 0; i < 9_000; i++) {
            ids.add(MessageId.of("m" + i));
        }
        store.state().accept(message(conversation, "m1", 0, "hello"));
        Lease lease = store.locks().tryAcquire(conversation, Duration.ofSeconds(5)).orElseThrow();

        assertTrue(store.state().removePending(lease, ids));
        assertTrue(store.state().pendingIds(conversation).isEmpty());
    }

    @Test
    void timestampsKeepTheirMicrosecondsAndOrder() {
        ConversationId conversation = newConversation();
        Instant base = Instant.parse("2026-11-25T09:41:27.123456Z");
        InboundMessage later = withTimestamp(message(conversation, "a", 0, "later"), base.plusNanos(1_000));
        InboundMessage earlier = withTimestamp(message(conversation, "b", 0, "earlier"), base);
        store.state().accept(later);
        store.state().accept(earlier);

        assertEquals(List.of(earlier, later), store.state().pending(conversation, 10));
        assertEquals(base.plusNanos(1_000), store.state().conversation(conversation).orElseThrow()
                .lastMessageTimestamp());
    }

    private static InboundMessage withTimestamp(InboundMessage message, Instant timestamp) {
        return new InboundMessage(message.id(), message.conversationId(), message.content(), message.senderId(),
                message.senderType(), timestamp, message.metadata());
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", RedisTestServers.singleNode().ports().getFirst());
    }
}
