package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Boundary faults a real server cannot be made to produce on cue: a script that ran on Redis but whose reply was
 * lost on the way back. The retry must then give the same answer, not a second lock or a false duplicate.
 */
class LostRepliesTest {
    private static final Duration TTL = Duration.ofSeconds(10);

    private RedisClient client;
    private UnifiedJedis flaky;
    private RetryingRedis redis;
    private final RedisKeys keys = new RedisKeys(RedisSettings.DEFAULT_KEY_PREFIX);

    @BeforeEach
    void connect() {
        RedisTestServers.TestRedis server = RedisTestServers.singleNode();
        server.flush();
        client = RedisClient.create("127.0.0.1", server.ports().getFirst());
        flaky = spy(client);
        redis = new RetryingRedis(flaky, RedisTestServers.FAST_RETRY, () -> { });
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void anAcquireWhoseReplyWasLostIsRetriedIntoTheSameLease() {
        loseTheReplyOfTheFirstScriptCall();
        RedisLocks locks = new RedisLocks(redis, keys, new RedisState(redis, keys, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1)));
        ConversationId conversation = newConversation();

        Lease lease = locks.tryAcquire(conversation, TTL).orElseThrow();

        // One token drawn, not two: the retry found its own lease and handed it out again.
        assertEquals(Long.toString(lease.fencingToken().value()), client.get(keys.conversation(conversation).fence()));
        assertEquals(lease.fencingToken(), locks.inspect(conversation).orElseThrow().fencingToken());
        assertEquals(lease.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
        assertEquals(java.util.Optional.empty(), locks.tryAcquire(conversation, TTL));
    }

    @Test
    void anAcceptWhoseReplyWasLostIsRetriedIntoAcceptedNotADuplicate() {
        loseTheReplyOfTheFirstScriptCall();
        RedisState state = new RedisState(redis, keys, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1));
        ConversationId conversation = newConversation();

        assertEquals(AcceptOutcome.ACCEPTED, state.accept(message(conversation, "m1", 0, "Xin chào")));
        assertEquals(AcceptOutcome.ALREADY_SEEN, state.accept(message(conversation, "m1", 0, "Xin chào")));
        assertEquals(1, state.pending(conversation, 10).size());
    }

    @Test
    void aFloorRaiseWhoseReplyWasLostIsRetriedIntoTheSameCounter() {
        loseTheReplyOfTheFirstScriptCall();
        RedisLocks locks = new RedisLocks(redis, keys, new RedisState(redis, keys, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1)));
        ConversationId conversation = newConversation();
        // A day past the server clock, so the next token comes from the counter, not from the clock.
        long floor = (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) * 1_000;

        locks.raiseFencingFloor(conversation, new FencingToken(floor));

        assertEquals(Long.toString(floor), client.get(keys.conversation(conversation).fence()));
        assertEquals(floor + 1, locks.tryAcquire(conversation, TTL).orElseThrow().fencingToken().value());
    }

    @Test
    void anAnswerFromRedisIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        doAnswer(invocation -> {
            calls.incrementAndGet();
            throw new JedisDataException("ERR something Redis said");
        }).when(flaky).evalsha(anyString(), anyList(), anyList());
        RedisLocks locks = new RedisLocks(redis, keys, new RedisState(redis, keys, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1)));

        assertThrows(JedisDataException.class, () -> locks.tryAcquire(newConversation(), TTL));
        assertEquals(1, calls.get());
    }

    @Test
    void aConnectionFailureIsRetriedUpToThePolicysAttempts() {
        doAnswer(invocation -> {
            throw new JedisConnectionException("connection reset");
        }).when(flaky).evalsha(anyString(), anyList(), anyList());
        RedisLocks locks = new RedisLocks(redis, keys, new RedisState(redis, keys, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1)));

        assertThrows(chat.orchestrator.core.port.StoreUnavailableException.class,
                () -> locks.tryAcquire(newConversation(), TTL));
        verify(flaky, times(RedisTestServers.FAST_RETRY.maxAttempts())).evalsha(anyString(), anyList(), anyList());
    }

    @Test
    void anAdmissionWhoseReplyWasLostIsRetriedIntoTheSameAcceptAndTheSameLease() {
        loseTheRepliesOfTheFirstPipeline();
        RedisState state = new RedisState(redis, keys, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1));
        RedisLocks locks = new RedisLocks(redis, keys, state);
        ConversationId conversation = newConversation();
        InboundMessage hello = message(conversation, "m1", 0, "hello");

        Admission admission = locks.acceptAndTryAcquire(hello, TTL);

        // The script ran twice with the same tokens: accepted, not a duplicate, and the lease it took the first time.
        assertEquals(AcceptOutcome.ACCEPTED, admission.accept());
        Lease lease = admission.lease().orElseThrow();
        assertEquals(Long.toString(lease.fencingToken().value()), client.get(keys.conversation(conversation).fence()));
        assertEquals(lease.ownerToken(), locks.inspect(conversation).orElseThrow().ownerToken());
        assertEquals(1, state.conversation(conversation).orElseThrow().totalMessages(), "counted once");
        verify(flaky, times(2)).pipelined();
    }

    /** The first pipeline runs on the server, then its replies are lost on the way back. */
    private void loseTheRepliesOfTheFirstPipeline() {
        AtomicInteger pipelines = new AtomicInteger();
        doAnswer(invocation -> {
            AbstractPipeline real = (AbstractPipeline) invocation.callRealMethod();
            if (pipelines.incrementAndGet() > 1) {
                return real;
            }
            AbstractPipeline lossy = spy(real);
            doAnswer(sync -> {
                sync.callRealMethod();
                throw new JedisConnectionException("replies lost after the pipeline ran");
            }).when(lossy).sync();
            return lossy;
        }).when(flaky).pipelined();
    }

    private void loseTheReplyOfTheFirstScriptCall() {
        AtomicInteger calls = new AtomicInteger();
        doAnswer(invocation -> {
            Object reply = invocation.callRealMethod();
            if (calls.incrementAndGet() == 1) {
                throw new JedisConnectionException("reply lost after the script ran");
            }
            return reply;
        }).when(flaky).evalsha(anyString(), anyList(), anyList());
    }
}
