package chat.orchestrator.scenario;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Invariants 1 to 4 under load: 32 threads send 2,000 messages over 50 conversations with random small delays,
 * against an AI that takes a few milliseconds. At the end every message was in exactly one answer that was
 * delivered (possibly after discarded stale calls), and no conversation was ever in two AI calls at once.
 */
class ConcurrentConversationsTest {
    private static final int THREADS = 32;
    private static final int MESSAGES = 2_000;
    private static final int CONVERSATIONS = 50;

    @Test
    void everyMessageIsAnsweredExactlyOnce_andNoConversationHasTwoHoldersAtOnce() throws Exception {
        Map<ConversationId, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        OrchestratorSettings settings = Harness.FAST.withConsolidation(Duration.ofMillis(2), Duration.ofMillis(50));
        try (Harness harness = new Harness(Clock.systemUTC(), settings, context -> {
            AtomicInteger holders = inFlight.computeIfAbsent(context.conversationId(), id -> new AtomicInteger());
            if (holders.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                holders.decrementAndGet();
            }
            return Harness.echo(context);
        })) {
            List<InboundMessage> messages = traffic();
            Map<Class<?>, Integer> outcomes = send(harness, messages);

            awaitAllDelivered(harness, messages.size());
            MessageLifecycleTest.settle(harness);

            assertEquals(0, overlaps.get(), "a conversation was in two AI calls at once");
            assertAnsweredExactlyOnce(harness, messages);
            assertEquals(MESSAGES, outcomes.values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(outcomes.getOrDefault(MessageOutcome.Failed.class, 0) == 0, "no message failed: " + outcomes);
        }
    }

    private static List<InboundMessage> traffic() {
        List<ConversationId> conversations = new ArrayList<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            conversations.add(ConversationId.of("load_" + c + "_" + System.nanoTime()));
        }
        List<InboundMessage> messages = new ArrayList<>();
        Instant base = Instant.parse("2026-11-25T09:00:00Z");
        for (int i = 0; i < MESSAGES; i++) {
            ConversationId conversation = conversations.get(i % CONVERSATIONS);
            messages.add(new InboundMessage(MessageId.of("m" + i), conversation, "message " + i, "user_" + (i % CONVERSATIONS),
                    SenderType.USER, base.plusMillis(i), Map.of()));
        }
        Collections.shuffle(messages);
        return messages;
    }

    private static Map<Class<?>, Integer> send(Harness harness, List<InboundMessage> messages) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<MessageOutcome>> results = new ArrayList<>();
            for (InboundMessage message : messages) {
                results.add(pool.submit(() -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(0, 3));
                    return harness.orchestrator.handle(message);
                }));
            }
            Map<Class<?>, Integer> counts = new HashMap<>();
            for (Future<MessageOutcome> result : results) {
                counts.merge(result.get(60, TimeUnit.SECONDS).getClass(), 1, Integer::sum);
            }
            return counts;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Stored first, delivered right after: waits for both, so the checks see the last delivery too. */
    private static void awaitAllDelivered(Harness harness, int expected) {
        await("every message answered and every answer delivered").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> answeredIds(harness).size() >= expected
                        && harness.pancake.deliveries().size() >= harness.history.sentRuns().size());
    }

    private static Set<MessageId> answeredIds(Harness harness) {
        Set<MessageId> ids = new HashSet<>();
        harness.history.sentRuns().forEach(run -> ids.addAll(run.messageIds()));
        return ids;
    }

    private static void assertAnsweredExactlyOnce(Harness harness, List<InboundMessage> messages) {
        Map<MessageId, Integer> answers = new HashMap<>();
        for (AiRun run : harness.history.sentRuns()) {
            run.messageIds().forEach(id -> answers.merge(id, 1, Integer::sum));
        }
        List<Delivery> deliveries = harness.pancake.deliveries();
        Set<String> deliveredRuns = new HashSet<>();
        deliveries.forEach(d -> assertTrue(deliveredRuns.add(d.idempotencyKey()), "a run was delivered twice"));
        for (AiRun run : harness.history.sentRuns()) {
            assertTrue(deliveredRuns.contains(run.id().toString()), "a stored answer was never delivered");
        }
        for (InboundMessage message : messages) {
            assertEquals(1, answers.getOrDefault(message.id(), 0), () -> message.id() + " answered how often");
        }
        for (AiRun discarded : harness.history.discardedRuns()) {
            discarded.messageIds().forEach(id -> assertEquals(1, answers.getOrDefault(id, 0),
                    () -> "discarded " + id + " was re-answered once"));
        }
        assertEquals(deliveries.size(), harness.history.sentRuns().size());
    }
}
