package chat.orchestrator.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the simulation over many seeds ({@code -Dsimulation.seeds}, from {@code -Dsimulation.first}), or one
 * ({@code -Dsimulation.seed}). A failing seed is shrunk to a smaller plan that still fails, and reported with the
 * one-line command that replays it.
 */
class SimulationTest {
    /** Kept referenced: a logger configured and then collected loses its level and handler. */
    private static final Logger CORE_LOG = Logger.getLogger("chat.orchestrator.core");

    @BeforeAll
    static void quiet() {
        // The core logs every step of every simulated message; thousands of seeds would print millions of lines.
        Logger.getLogger("").setLevel(Level.OFF);
        // Only what the core logs with an exception at ERROR: a bug it caught (invariant 13), told to the world of
        // the thread that logged it.
        CORE_LOG.setLevel(Level.SEVERE);
        CORE_LOG.setUseParentHandlers(false);
        CORE_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getThrown() != null) {
                    World.ofCurrentThread().ifPresent(world -> world.bugs.accept(record.getMessage() + ": "
                            + record.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void everySeedKeepsEveryInvariant() throws Exception {
        String one = System.getProperty("simulation.seed", "");
        List<Long> seeds = one.isBlank()
                ? Simulation.seeds(Long.getLong("simulation.first", 1), Integer.getInteger("simulation.seeds", 200))
                : List.of(Long.parseLong(one.trim()));
        long started = System.nanoTime();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<Simulation.Result> failures = new ArrayList<>();
        long steps = 0;
        long messages = 0;
        // Each world runs on a virtual thread like its simulated threads: a hand-over between two virtual threads is
        // a continuation switch, between a platform and a virtual thread a wake-up of the OS thread.
        Semaphore running = new Semaphore(threads);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Simulation.Result>> results = new ArrayList<>();
            for (long seed : seeds) {
                results.add(pool.submit(() -> {
                    running.acquire();
                    try {
                        return Simulation.run(Plan.generate(seed));
                    } finally {
                        running.release();
                    }
                }));
            }
            for (Future<Simulation.Result> result : results) {
                Simulation.Result done = result.get();
                steps += done.steps();
                messages += done.messages();
                if (done.failed()) {
                    failures.add(done);
                }
            }
        }
        System.out.printf("simulation: %d seed(s), %d message(s), %d step(s), %d failed, %.1f s%n", seeds.size(),
                messages, steps, failures.size(), (System.nanoTime() - started) / 1e9);
        if (!one.isBlank() && Boolean.getBoolean("simulation.trace")) {
            List<String> trace = new ArrayList<>();
            Simulation.run(Plan.generate(seeds.getFirst()), trace);
            trace.subList(Math.max(0, trace.size() - Integer.getInteger("simulation.traceLines", 400)), trace.size())
                    .forEach(System.out::println);
        }
        if (!failures.isEmpty()) {
            Simulation.Result first = failures.getFirst();
            // PIT runs the simulation against hundreds of mutants and needs only to know that one fails.
            Simulation.Result smallest = Boolean.parseBoolean(System.getProperty("simulation.shrink", "true"))
                    ? Shrinker.shrink(first) : first;
            fail(failures.size() + " of " + seeds.size() + " seed(s) failed; seeds "
                    + failures.stream().map(f -> f.plan().seed()).limit(20).toList() + "\nby what broke first: "
                    + failures.stream().collect(java.util.stream.Collectors.groupingBy(
                            f -> f.violations().getFirst().replaceAll(" at \\d{4}-.*", "").replaceAll(":.*", ""),
                            java.util.TreeMap::new, java.util.stream.Collectors.collectingAndThen(
                                    java.util.stream.Collectors.mapping(f -> f.plan().seed(),
                                            java.util.stream.Collectors.toList()),
                                    // A broken build fails every seed: the first ten and how many say enough.
                                    group -> group.size() <= 10 ? group.toString()
                                            : group.subList(0, 10) + " and " + (group.size() - 10) + " more")))
                    + "\nfirst: seed "
                    + first.plan().seed() + ": " + String.join("\n  ", first.violations())
                    + "\nreplay: " + Simulation.replayCommand(first.plan().seed())
                    + "\nshrunk to " + smallest.plan().events().size() + " of " + first.plan().events().size()
                    + " events, still failing with: " + smallest.violations().getFirst() + "\n"
                    + smallest.plan().describe());
        }
    }

    @Test
    void aSeedReplaysExactly() {
        for (long seed = 1; seed <= 20; seed++) {
            List<String> once = new ArrayList<>();
            List<String> again = new ArrayList<>();
            Simulation.Result first = Simulation.run(Plan.generate(seed), once);
            Simulation.Result second = Simulation.run(Plan.generate(seed), again);
            assertEquals(first.violations().stream().map(SimulationTest::withoutUuids).toList(),
                    second.violations().stream().map(SimulationTest::withoutUuids).toList(), "seed " + seed);
            // Run ids are random UUIDs and name some threads; nothing else may differ, step by step.
            List<String> a = once.stream().map(SimulationTest::withoutUuids).toList();
            List<String> b = again.stream().map(SimulationTest::withoutUuids).toList();
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                assertEquals(a.get(i), b.get(i), "seed " + seed + " went another way at step " + i);
            }
            assertEquals(a.size(), b.size(), "seed " + seed + " ran another number of steps");
        }
    }

    private static String withoutUuids(String step) {
        return step.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>");
    }
}
