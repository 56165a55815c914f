package chat.orchestrator.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code concurrency} virtual threads each perform one operation after another, each with a new
 * sequence number, for a warm-up (not counted) and then a measured time. Reports throughput and latency quantiles.
 */
final class Load {
    /** One request (or one message through the stores); false or an exception counts as an error. */
    @FunctionalInterface
    interface Operation {
        boolean perform(long sequence) throws Exception;
    }

    /** What one measured run gave. */
    record Result(int concurrency, long operations, long errors, double seconds, double p50Millis, double p99Millis,
                  String firstError) {
        double perSecond() {
            return operations / seconds;
        }
    }

    private Load() {
    }

    static Result run(int concurrency, Duration warmUp, Duration measured, Operation operation) throws Exception {
        AtomicLong sequence = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("");
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long end = measureFrom + measured.toNanos();
        List<Future<long[]>> parts = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                parts.add(threads.submit(() -> {
                    long[] latencies = new long[1024];
                    int count = 0;
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            return Arrays.copyOf(latencies, count);
                        }
                        boolean ok;
                        try {
                            ok = operation.perform(sequence.incrementAndGet());
                        } catch (Exception e) {
                            ok = false;
                            firstError.compareAndSet("", e.toString());
                        }
                        long t1 = System.nanoTime();
                        if (t0 < measureFrom || t1 > end) {
                            continue;
                        }
                        if (!ok) {
                            errors.incrementAndGet();
                            continue;
                        }
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = t1 - t0;
                    }
                }));
            }
        }
        long[] all = new long[0];
        for (Future<long[]> part : parts) {
            long[] latencies = part.get();
            int offset = all.length;
            all = Arrays.copyOf(all, offset + latencies.length);
            System.arraycopy(latencies, 0, all, offset, latencies.length);
        }
        Arrays.sort(all);
        return new Result(concurrency, all.length, errors.get(), measured.toNanos() / 1e9,
                quantile(all, 0.50), quantile(all, 0.99), firstError.get());
    }

    /**
     * Operations 0 to {@code operations - 1} once each, as fast as {@code concurrency} threads go, until done or
     * {@code budget} runs out (no new one starts after it): for filling a store. The result counts those answered.
     */
    static Result each(long operations, int concurrency, Duration budget, Operation operation) throws Exception {
        AtomicLong sequence = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("");
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                threads.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long next = sequence.getAndIncrement();
                        if (next >= operations) {
                            return;
                        }
                        try {
                            if (operation.perform(next)) {
                                done.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet("", e.toString());
                        }
                    }
                });
            }
        }
        return new Result(concurrency, done.get(), errors.get(), (System.nanoTime() - start) / 1e9,
                Double.NaN, Double.NaN, firstError.get());
    }

    private static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1));
        return sorted[index] / 1e6;
    }
}
