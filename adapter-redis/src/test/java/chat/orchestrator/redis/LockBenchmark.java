package chat.orchestrator.redis;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures one lock acquire plus release (two script calls, two round trips) against an embedded Redis started
 * here, single-threaded and from 8 threads. A plain main, not a test: figures belong in docs/performance.md, never
 * in an assertion. Arguments: iterations per run (default 20000). See docs/performance.md for the command.
 */
public final class LockBenchmark {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final int CONVERSATIONS_PER_THREAD = 1_000;

    private LockBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        RedisTestServers.TestRedis redis = RedisTestServers.dedicatedNode();
        try (RedisStore store = RedisStore.open(redis.settings().withMaxConnections(16))) {
            System.out.printf(Locale.ROOT, "Redis lock acquire+release, embedded redis-server 6.2 on loopback, "
                    + "%d iterations per run, %d cores%n", iterations, Runtime.getRuntime().availableProcessors());
            run(store.locks(), Math.max(1, iterations / 10), 1, false);
            run(store.locks(), iterations, 1, true);
            run(store.locks(), Math.max(8, iterations / 10), 8, false);
            run(store.locks(), iterations, 8, true);
        } finally {
            redis.stop();
        }
    }

    private static void run(LockPort locks, int iterations, int threads, boolean report) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        List<Future<long[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> acquireAndRelease(locks, iterations / threads, thread)));
        }
        long[] latencies = new long[0];
        for (Future<long[]> result : results) {
            long[] part = result.get();
            long[] merged = Arrays.copyOf(latencies, latencies.length + part.length);
            System.arraycopy(part, 0, merged, latencies.length, part.length);
            latencies = merged;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        if (report) {
            Arrays.sort(latencies);
            System.out.printf(Locale.ROOT, "threads=%d ops=%d ops/s=%.0f p50=%.3f ms p99=%.3f ms p99.9=%.3f ms%n",
                    threads, latencies.length, latencies.length / seconds, millis(latencies, 0.50),
                    millis(latencies, 0.99), millis(latencies, 0.999));
        }
    }

    /** Each thread cycles through conversations of its own, as many conversations would in production. */
    private static long[] acquireAndRelease(LockPort locks, int iterations, int thread) {
        ConversationId[] conversations = new ConversationId[CONVERSATIONS_PER_THREAD];
        for (int i = 0; i < conversations.length; i++) {
            conversations[i] = ConversationId.of("bench-" + thread + "-" + i);
        }
        long[] latencies = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            Lease lease = locks.tryAcquire(conversations[i % conversations.length], TTL).orElseThrow();
            if (!locks.release(lease)) {
                throw new IllegalStateException("a lease just taken could not be released");
            }
            latencies[i] = System.nanoTime() - start;
        }
        return latencies;
    }

    private static double millis(long[] sorted, double quantile) {
        int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
