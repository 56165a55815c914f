package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.inmemory.InMemoryHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue 19, hole 2, on a real Redis: the body of a pending message is gone (evicted under a {@code volatile-*}
 * policy, or lost in a failover) while its id stays pending. Before the fix its holder found an empty batch, could
 * not release (something was pending) and renewed the lock until the pending set expired; the message was never
 * answered.
 *
 * <p>This test needs both halves: the snapshot dropping and reporting the bodiless id (adapter-redis) and the worker
 * requeueing it from history ({@code ConversationWorker.pass}). With the snapshot half alone it fails: the second
 * message is answered and the lock released, but the first is never answered (the sweeper, which would find it
 * later, is off here).
 */
class LostBodyTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Map<String, List<MessageId>> burstOfAnswer = new ConcurrentHashMap<>();
    private final Queue<MessageId> delivered = new ConcurrentLinkedQueue<>();
    private RedisTestServers.TestRedis redis;
    private RedisStore store;
    private InMemoryHistory history;
    private Orchestrator orchestrator;

    @BeforeEach
    void start() {
        redis = RedisTestServers.singleNode();
        redis.flush();
        store = redis.openStore();
        history = new InMemoryHistory();
        OrchestratorSettings settings = OrchestratorSettings.defaults()
                .withConsolidation(Duration.ofMillis(15), Duration.ofMillis(150))
                .withLockTtl(Duration.ofSeconds(3))
                .withPollInterval(Duration.ofMillis(5))
                .withAnswerWait(Duration.ofSeconds(10))
                // The holder alone must recover the message; a sweep would hide that it did not.
                .withSweepInterval(Duration.ZERO);
        orchestrator = Orchestrator.builder()
                .locks(store.locks())
                .state(store.state())
                .history(history)
                .outbox(history.outbox())
                .ai(context -> {
                    String text = "answer to " + context.burst().stream().map(m -> m.id().value()).toList();
                    burstOfAnswer.put(text, context.burst().stream().map(InboundMessage::id).toList());
                    return new AiReply(text, "test", 0.9, Map.of(), "test-model", Duration.ZERO, List.of());
                })
                .pancake(delivery -> {
                    delivered.addAll(burstOfAnswer.get(delivery.reply().text()));
                    return new DeliveryReport(List.of(new DeliveryReport.ActionDelivery(0, ActionType.SEND_MESSAGE,
                            DeliveryReport.Status.DELIVERED, 1, "")));
                })
                .settings(settings)
                .clock(Clock.systemUTC())
                .build();
    }

    @AfterEach
    void stop() {
        orchestrator.close();
        store.close();
    }

    @Test
    void aPendingMessageWhoseBodyRedisLostIsAnsweredWithTheNextOneAndTheLockIsReleased() {
        ConversationId conversation = newConversation();
        InboundMessage first = message(conversation, "m1", 0, "Xin chào");
        InboundMessage second = message(conversation, "m2", 1_000, "còn lịch sáng thứ Hai không ạ?");
        // The first message was received as any other (recorded, accepted), and its body then lost.
        assertEquals(RecordOutcome.NEW, history.record(first));
        assertEquals(AcceptOutcome.ACCEPTED, store.state().accept(first));
        try (Jedis behindTheAdaptersBack = new Jedis("127.0.0.1", redis.ports().getFirst())) {
            String bodies = new RedisKeys(store.settings().keyPrefix()).conversation(conversation).bodies();
            assertEquals(1, behindTheAdaptersBack.hdel(bodies, first.id().value()));
        }

        MessageOutcome outcome = orchestrator.handle(second);

        assertTrue(outcome instanceof MessageOutcome.Completed, outcome.toString());
        await("both messages delivered").atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertTrue(delivered.containsAll(List.of(first.id(), second.id())),
                        "answers delivered for " + delivered + "; still pending in Redis: "
                                + store.state().pendingIds(conversation)));
        await("the lock released").atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
                .until(() -> store.locks().inspect(conversation).isEmpty());
        orchestrator.close();
        assertEquals(List.of(first.id(), second.id()),
                delivered.stream().sorted(Comparator.comparing(MessageId::value)).toList(), "each answered once");
        assertTrue(store.state().pendingIds(conversation).isEmpty());
    }
}
