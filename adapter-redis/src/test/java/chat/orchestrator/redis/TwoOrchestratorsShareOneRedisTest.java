package chat.orchestrator.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrator instances, each with its own connection pool, share one Redis (and one history, standing in
 * for the shared PostgreSQL). Messages of 50 conversations go at random to either, from 32 threads at once.
 */
class TwoOrchestratorsShareOneRedisTest {
    private static final int CONVERSATIONS = 50;
    private static final int MESSAGES = 2_000;
    private static final int SENDERS = 32;
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(60);
    /** Kept referenced: a logger configured and then collected loses its level. */
    private static final Logger CORE_LOG = Logger.getLogger("chat.orchestrator.core");

    private final Map<ConversationId, AtomicInteger> inAiCall = new ConcurrentHashMap<>();
    private final Queue<String> overlaps = new ConcurrentLinkedQueue<>();
    private final Map<String, List<MessageId>> burstOfAnswer = new ConcurrentHashMap<>();
    private final Map<MessageId, AtomicInteger> answersDelivered = new ConcurrentHashMap<>();
    private final AtomicInteger aiCalls = new AtomicInteger();
    private final Queue<MessageOutcome.Duplicate> duplicates = new ConcurrentLinkedQueue<>();

    private RedisStore firstStore;
    private RedisStore secondStore;
    private Orchestrator first;
    private Orchestrator second;

    private void startTwoInstancesOn(RedisTestServers.TestRedis redis) {
        // One line per message at INFO would bury the test's own output.
        CORE_LOG.setLevel(Level.WARNING);
        redis.flush();
        InMemoryHistory sharedHistory = new InMemoryHistory();
        OrchestratorSettings settings = OrchestratorSettings.defaults()
                .withConsolidation(Duration.ofMillis(15), Duration.ofMillis(150))
                .withLockTtl(Duration.ofSeconds(3))
                .withPollInterval(Duration.ofMillis(5))
                .withAnswerWait(Duration.ofSeconds(30));
        firstStore = RedisStore.open(redis.settings().withMaxConnections(24));
        secondStore = RedisStore.open(redis.settings().withMaxConnections(24));
        first = orchestrator(firstStore, sharedHistory, settings);
        second = orchestrator(secondStore, sharedHistory, settings);
    }

    @AfterEach
    void stopInstances() {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, firstStore, secondStore}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        CORE_LOG.setLevel(null);
    }

    @Test
    void onOneNodeEveryMessageIsAnsweredExactlyOnceAndNoConversationIsEverHeldByBothInstances() throws Exception {
        startTwoInstancesOn(RedisTestServers.singleNode());
        answerEveryMessageOnceWithOneHolderAtATime();
    }

    @Test
    void onAClusterEveryMessageIsAnsweredExactlyOnceAndNoConversationIsEverHeldByBothInstances() throws Exception {
        startTwoInstancesOn(RedisTestServers.cluster());
        answerEveryMessageOnceWithOneHolderAtATime();
    }

    private void answerEveryMessageOnceWithOneHolderAtATime() throws Exception {
        List<InboundMessage> messages = messagesOfManyConversations();

        Map<Class<?>, Integer> outcomes = sendFromManyThreadsToEitherInstance(messages);
        awaitEveryDeliveryThenCloseBothInstances();

        assertTrue(overlaps.isEmpty(), "AI called for one conversation by two holders at once: " + overlaps);
        List<MessageId> answeredTwice = answersDelivered.entrySet().stream()
                .filter(e -> e.getValue().get() != 1).map(Map.Entry::getKey).toList();
        assertTrue(answeredTwice.isEmpty(), "answered more than once: " + answeredTwice);
        assertEquals(MESSAGES, answersDelivered.size());
        assertEquals(0, outcomes.getOrDefault(MessageOutcome.Failed.class, 0), "outcomes " + outcomes);
        // A message recorded but not yet accepted is among history's unanswered, so a holder reading history between
        // its sender's record and accept may answer it in its own burst; the sender is then told it is a duplicate,
        // with that answer. Any other duplicate would be a message seen twice.
        List<MessageOutcome.Duplicate> unexplained = duplicates.stream().filter(d -> d.earlierAnswer()
                .map(answer -> burstOfAnswer.getOrDefault(answer.text(), List.of()).contains(d.messageId()))
                .orElse(true)).toList();
        assertTrue(unexplained.isEmpty(), "duplicates without the answer delivered for them: " + unexplained);
        for (int c = 0; c < CONVERSATIONS; c++) {
            assertTrue(firstStore.state().pendingIds(conversation(c)).isEmpty(), "pending left in " + conversation(c));
        }
        System.out.printf("%d messages, %d AI calls, outcomes %s%n", MESSAGES, aiCalls.get(), outcomes);
    }

    private Orchestrator orchestrator(RedisStore store, InMemoryHistory history, OrchestratorSettings settings) {
        return Orchestrator.builder()
                .locks(store.locks())
                .state(store.state())
                .history(history)
                .outbox(history.outbox())
                .ai(countingAi())
                .pancake(recordingPancake())
                .settings(settings)
                .clock(Clock.systemUTC())
                .build();
    }

    /** Counts callers inside the AI per conversation: two at once means two holders. */
    private AiPort countingAi() {
        return (ConversationContext context) -> {
            ConversationId conversation = context.conversationId();
            int holders = inAiCall.computeIfAbsent(conversation, id -> new AtomicInteger()).incrementAndGet();
            try {
                if (holders > 1) {
                    overlaps.add(conversation + " had " + holders + " AI calls at once");
                }
                aiCalls.incrementAndGet();
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 5));
                String text = "answer " + UUID.randomUUID();
                burstOfAnswer.put(text, context.burst().stream().map(InboundMessage::id).toList());
                return new AiReply(text, "test", 0.9, Map.of(), "test-model", Duration.ZERO, List.of());
            } catch (InterruptedException cancelled) {
                Thread.currentThread().interrupt();
                throw new AiUnavailableException("cancelled");
            } finally {
                inAiCall.get(conversation).decrementAndGet();
            }
        };
    }

    /** Maps each delivered answer back to the burst it answered. */
    private PancakePort recordingPancake() {
        return (Delivery delivery) -> {
            List<MessageId> burst = burstOfAnswer.get(delivery.reply().text());
            burst.forEach(id -> answersDelivered.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet());
            return new DeliveryReport(List.of(new DeliveryReport.ActionDelivery(0, ActionType.SEND_MESSAGE,
                    DeliveryReport.Status.DELIVERED, 1, "")));
        };
    }

    private static List<InboundMessage> messagesOfManyConversations() {
        List<InboundMessage> messages = new ArrayList<>();
        for (int n = 0; n < MESSAGES; n++) {
            int c = n % CONVERSATIONS;
            int index = n / CONVERSATIONS;
            messages.add(TestMessages.message(conversation(c), "c" + c + "-m" + index, index * 100L, "message " + n));
        }
        // Shuffled, so several messages of one conversation are in flight at once and arrive out of order.
        Collections.shuffle(messages);
        return messages;
    }

    private Map<Class<?>, Integer> sendFromManyThreadsToEitherInstance(List<InboundMessage> messages)
            throws Exception {
        Queue<InboundMessage> toSend = new ConcurrentLinkedQueue<>(messages);
        Map<Class<?>, Integer> outcomes = Collections.synchronizedMap(new java.util.HashMap<>());
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                running.add(senders.submit(() -> {
                    InboundMessage message;
                    while ((message = toSend.poll()) != null) {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 3));
                        Orchestrator instance = ThreadLocalRandom.current().nextBoolean() ? first : second;
                        MessageOutcome outcome = instance.handle(message);
                        outcomes.merge(outcome.getClass(), 1, Integer::sum);
                        if (outcome instanceof MessageOutcome.Duplicate duplicate) {
                            duplicates.add(duplicate);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> sender : running) {
                sender.get();
            }
        } finally {
            senders.shutdownNow();
        }
        return outcomes;
    }

    /**
     * Messages answered "locked" are answered by the holder's loop, maybe after every sender has returned. Then both
     * instances are closed, which returns once every worker and send has finished, so a late second delivery is seen.
     */
    private void awaitEveryDeliveryThenCloseBothInstances() {
        await("every message delivered").atMost(DRAIN_DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> answersDelivered.size() >= MESSAGES);
        first.close();
        second.close();
    }

    private static ConversationId conversation(int index) {
        return ConversationId.of("two-instances-" + index);
    }
}
