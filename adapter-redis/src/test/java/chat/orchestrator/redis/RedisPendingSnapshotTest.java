package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.PendingSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.invocation.InvocationOnMock;
import org.mockito.stubbing.Answer;
import redis.clients.jedis.RedisClient;

/**
 * What the state contract cannot see from outside: that the snapshot is one read of one state. A message is
 * accepted the moment the snapshot's first call to Redis returns; had the batch and the ids been read in two calls,
 * the message would land between them, in the ids but not in the batch it belongs to.
 */
class RedisPendingSnapshotTest {
    private static final Duration STATE_TTL = Duration.ofHours(1);

    private final RedisKeys keys = new RedisKeys(RedisSettings.DEFAULT_KEY_PREFIX);
    private RedisClient client;
    private CallsToRedis calls;
    private RedisState observed;
    private RedisState elsewhere;

    @BeforeEach
    void connect() {
        RedisTestServers.TestRedis server = RedisTestServers.singleNode();
        server.flush();
        client = RedisClient.create("127.0.0.1", server.ports().getFirst());
        calls = new CallsToRedis();
        RedisClient counted = mock(RedisClient.class, withSettings().spiedInstance(client).defaultAnswer(calls));
        observed = state(new RetryingRedis(counted, RedisTestServers.FAST_RETRY, () -> { }));
        elsewhere = state(new RetryingRedis(client, RedisTestServers.FAST_RETRY, () -> { }));
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void anOlderMessageAcceptedRightAfterTheSnapshotsOneCallIsInNeitherItsBatchNorItsIds() {
        ConversationId conversation = newConversation();
        InboundMessage second = message(conversation, "b", 2_000, "I want");
        InboundMessage third = message(conversation, "c", 3_000, "to book a check-up");
        InboundMessage first = message(conversation, "a", 1_000, "hi, arrived late");
        elsewhere.accept(second);
        elsewhere.accept(third);
        observed.snapshot(conversation, 1); // loads the script, so the counted call is the snapshot alone

        calls.afterTheFirst(() -> elsewhere.accept(first));
        PendingSnapshot snapshot = observed.snapshot(conversation, 1);

        assertEquals(List.of(second), snapshot.batch());
        assertFalse(snapshot.ids().contains(first.id()), "it arrived after the read, so it makes the answer stale");
        assertEquals(Set.of(second.id(), third.id()), snapshot.ids());
        assertEquals(1, calls.count(), "one call to Redis");
        assertEquals(List.of(first), observed.snapshot(conversation, 1).batch());
    }

    @Test
    void messagesTiedOnTheirMicrosecondAreCutInTheCoresOrder() {
        ConversationId conversation = newConversation();
        Instant instant = Instant.parse("2026-11-25T09:41:27.123456Z");
        // Same microsecond score: Redis orders these by id ('a' first), the core by timestamp ('z' first).
        InboundMessage earlier = at(message(conversation, "z", 0, "earlier"), instant.plusNanos(100));
        InboundMessage later = at(message(conversation, "a", 0, "later"), instant.plusNanos(900));
        // Same timestamp: Redis orders by UTF-8 bytes (U+FF5E first), the core by UTF-16 units (the emoji first).
        InboundMessage emoji = at(message(conversation, "😀", 0, "emoji id"), instant.plusSeconds(1));
        InboundMessage fullwidth = at(message(conversation, "～", 0, "fullwidth id"), instant.plusSeconds(1));
        for (InboundMessage message : List.of(later, earlier, fullwidth, emoji)) {
            elsewhere.accept(message);
        }

        assertEquals(List.of(earlier), observed.snapshot(conversation, 1).batch());
        assertEquals(List.of(earlier, later, emoji), observed.snapshot(conversation, 3).batch());
        assertEquals(List.of(earlier, later, emoji, fullwidth), observed.snapshot(conversation, 10).batch());
    }

    @Test
    void aSnapshotWithAnEmptyBatchStillHoldsEveryPendingId() {
        ConversationId conversation = newConversation();
        elsewhere.accept(message(conversation, "a", 1_000, "a"));
        elsewhere.accept(message(conversation, "b", 2_000, "b"));

        PendingSnapshot snapshot = observed.snapshot(conversation, 0);

        assertEquals(List.of(), snapshot.batch());
        assertEquals(Set.of(MessageId.of("a"), MessageId.of("b")), snapshot.ids());
    }

    private RedisState state(RetryingRedis redis) {
        return new RedisState(redis, keys, Clock.systemUTC(), STATE_TTL, STATE_TTL);
    }

    private static InboundMessage at(InboundMessage message, Instant timestamp) {
        return new InboundMessage(message.id(), message.conversationId(), message.content(), message.senderId(),
                message.senderType(), timestamp, message.metadata());
    }

    /**
     * Counts the calls made to the client from outside it (a method of the client calling another is one call) and
     * runs an action once the first of them has returned. One thread at a time.
     */
    private static final class CallsToRedis implements Answer<Object> {
        private int depth;
        private int count;
        private Runnable afterTheFirst = () -> { };

        void afterTheFirst(Runnable action) {
            count = 0;
            afterTheFirst = action;
        }

        int count() {
            return count;
        }

        @Override
        public Object answer(InvocationOnMock invocation) throws Throwable {
            depth++;
            try {
                return invocation.callRealMethod();
            } finally {
                depth--;
                if (depth == 0 && ++count == 1) {
                    afterTheFirst.run();
                }
            }
        }
    }
}
