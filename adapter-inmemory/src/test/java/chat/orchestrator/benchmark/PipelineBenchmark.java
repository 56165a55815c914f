package chat.orchestrator.benchmark;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The core's own cost per message: the whole lifecycle (record, accept, lock, worker loop, fenced answer, delivery,
 * release) over the in-memory adapters with the built-in responder, so the stores and the AI cost nothing. A plain
 * main, not a test; figures go to docs/performance.md.
 *
 * <p>Arguments: messages (default 20000), conversations (500), threads (32).
 */
public final class PipelineBenchmark {
    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int conversations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        run(messages / 4, conversations, threads, false);
        run(messages, conversations, threads, true);
    }

    private static void run(int messages, int conversations, int threads, boolean report) throws Exception {
        InMemoryStore store = new InMemoryStore(Clock.systemUTC());
        OrchestratorSettings settings = OrchestratorSettings.defaults()
                .withConsolidation(Duration.ZERO, Duration.ZERO).withPollInterval(Duration.ofMillis(1));
        List<InboundMessage> traffic = traffic(messages, conversations);
        System.gc();
        long heapBefore = usedHeap();
        InMemoryHistory history = new InMemoryHistory();
        try (Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(store))
                .state(new InMemoryState(store)).history(history).outbox(history.outbox()).ai(new RuleBasedResponder())
                .pancake(new LoggingPancake()).settings(settings).build();
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            long[] latencies = new long[messages];
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    orchestrator.handle(traffic.get(index));
                    latencies[index] = System.nanoTime() - t0;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            long elapsed = System.nanoTime() - start;
            long heapAfter = usedHeap();
            if (report) {
                Arrays.sort(latencies);
                System.out.printf("messages=%d conversations=%d threads=%d msgs/s=%.0f p50=%.3f ms p99=%.3f ms"
                                + " heap_growth=%.1f MiB (%.0f bytes/message retained in state and history)%n",
                        messages, conversations, threads, messages / (elapsed / 1e9), latencies[messages / 2] / 1e6,
                        latencies[(int) (messages * 0.99)] / 1e6, (heapAfter - heapBefore) / 1048576.0,
                        (double) (heapAfter - heapBefore) / messages);
            }
        }
    }

    private static List<InboundMessage> traffic(int messages, int conversations) {
        List<InboundMessage> traffic = new ArrayList<>();
        Instant base = Instant.parse("2026-11-25T09:00:00Z");
        String run = Long.toString(System.nanoTime());
        for (int i = 0; i < messages; i++) {
            traffic.add(new InboundMessage(MessageId.of("m" + i), ConversationId.of("bench_" + run + "_" + (i % conversations)),
                    i % 3 == 0 ? "Tôi muốn đặt lịch khám bệnh" : "Xin chào", "user_" + (i % conversations), SenderType.USER,
                    base.plusMillis(i), Map.of("platform", "web")));
        }
        Collections.shuffle(traffic);
        return traffic;
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
