package chat.orchestrator.simulation;

import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What happens to a world, drawn from its seed: the messages (their conversations, arrival times, out-of-order
 * timestamps, entry paths and retried webhooks), the faults and the operators' actions, each at a virtual time.
 * Shrinking a failure removes events while it still fails, so the plan that is printed is a small one.
 */
record Plan(long seed, SimulatedPancake.Mode mode, double[] callFaults, double[] rates, List<Event> events,
            Tuning tuning, boolean calm) {
    static final int INSTANCES = 3;

    /** The kinds that are faults: a calm plan has none of them, so promptness can be judged in it. */
    static final Set<Kind> FAULTS = EnumSet.of(Kind.CRASH, Kind.ROLLING_RESTART, Kind.REDIS_RESTART,
            Kind.REDIS_LOSES_KEY, Kind.REDIS_DOWN, Kind.POSTGRES_DOWN, Kind.CLOCK_SKEW, Kind.AI_SLOW, Kind.AI_FAILING,
            Kind.AI_REFUSING, Kind.PANCAKE_DOWN, Kind.PANCAKE_LIMITING, Kind.PANCAKE_SLOW, Kind.FORCE_RELEASE,
            Kind.PANCAKE_REJECTING);

    /**
     * The settings a world's instances run with, drawn from its seed, so the quiet window, small batches and the
     * cancelling of a stale AI call are all exercised.
     */
    record Tuning(Duration window, Duration maxWait, int maxBatchSize, boolean cancelOnNewer, Duration longestAnswer,
                  int sweepPage) {
        /**
         * The production defaults: a quiet window of 800 ms, at most 5 s, batches of 50, stale calls run out, the
         * sweeper reading 1,000 conversations a page.
         */
        static final Tuning DEFAULT = new Tuning(Duration.ofMillis(800), Duration.ofSeconds(5), 50, false,
                Duration.ofMillis(2_550), 1_000);

        /** An AI whose answers take up to this long, when it is not slow by a fault. */
        Tuning withLongestAnswer(Duration value) {
            return new Tuning(window, maxWait, maxBatchSize, cancelOnNewer, value, sweepPage);
        }

        /** A sweeper that reads this many conversations a page, so that it pages through a few conversations. */
        Tuning withSweepPage(int value) {
            return new Tuning(window, maxWait, maxBatchSize, cancelOnNewer, longestAnswer, value);
        }

        @Override
        public String toString() {
            return "window " + window.toMillis() + "ms (at most " + maxWait.toMillis() + "ms), batches of "
                    + maxBatchSize + (cancelOnNewer ? ", stale AI calls cancelled" : "") + ", answers within "
                    + longestAnswer.toMillis() + "ms, sweeper pages of " + sweepPage;
        }
    }

    enum Kind {
        MESSAGE, CRASH, ROLLING_RESTART, REDIS_RESTART, REDIS_LOSES_KEY, REDIS_DOWN, POSTGRES_DOWN, CLOCK_SKEW,
        AI_SLOW, AI_FAILING, AI_REFUSING, PANCAKE_DOWN, PANCAKE_LIMITING, PANCAKE_SLOW,
        HAND_OFF, RESUME, FORCE_RELEASE, CLEANUP, RETRY_DEAD_LETTERS, CANCEL_JOB, PANCAKE_REJECTING, DISPATCH_NOW,
        SWEEP_NOW
    }

    enum Path { SYNC, WEBHOOK, JOB }

    /**
     * One event. {@code conversation}, {@code instance}, {@code millis} and {@code path} mean what the kind needs:
     * for a message, its conversation, the instance Pancake calls first, its timestamp and its entry path.
     */
    record Event(long atMillis, Kind kind, int conversation, int message, int instance, long millis, Path path) {
        @Override
        public String toString() {
            String what = switch (kind) {
                case MESSAGE -> "message c" + conversation + "/m" + message + " via " + path + " to i" + instance
                        + " stamped " + millis + "ms";
                case CRASH -> "crash i" + instance + ", back after " + millis + "ms";
                case ROLLING_RESTART -> "rolling restart of i" + instance + " with " + millis + "ms of grace";
                case CLOCK_SKEW -> "clock of i" + instance + " off by " + millis + "ms";
                case REDIS_LOSES_KEY -> "redis loses " + InMemoryStore.Loss.values()[(int) millis] + " of c"
                        + conversation;
                case HAND_OFF, RESUME, FORCE_RELEASE -> kind.name().toLowerCase() + " c" + conversation + " on i"
                        + instance;
                default -> kind.name().toLowerCase() + (millis > 0 ? " for " + millis + "ms" : "") + " (i" + instance
                        + ")";
            };
            return "at " + atMillis + "ms " + what;
        }
    }

    static Plan generate(long seed) {
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        SimulatedPancake.Mode mode = random.nextBoolean() ? SimulatedPancake.Mode.CALLBACK
                : SimulatedPancake.Mode.PUBLIC_API;
        double[] callFaults = random.nextDouble() < 0.5 ? new double[] {0.01, 0.01, 0.03} : new double[] {0, 0, 0};
        double[] rates = {
                random.nextDouble() < 0.3 ? 0.05 : 0,
                random.nextDouble() < 0.5 ? 0.15 : 0,
                random.nextDouble() < 0.3 ? 0.1 : 0,
                random.nextDouble() < 0.3 ? 0.1 : 0};
        List<Event> events = new ArrayList<>();
        int conversations = 1 + random.nextInt(3);
        int message = 0;
        for (int c = 0; c < conversations; c++) {
            int count = 1 + random.nextInt(6);
            long at = random.nextInt(20_000);
            for (int m = 0; m < count; m++) {
                at += random.nextInt(random.nextBoolean() ? 1_500 : 30_000);
                Path path = Path.values()[random.nextInt(10) < 4 ? 0 : random.nextInt(10) < 7 ? 1 : 2];
                // The customer's timestamp, up to two seconds off the arrival (out of order), the same on a retry.
                long stamp = at + random.nextInt(4_000) - 2_000;
                int instance = random.nextInt(INSTANCES);
                events.add(new Event(at, Kind.MESSAGE, c, message, instance, stamp, path));
                if (random.nextDouble() < 0.2) {
                    // Pancake retries the same webhook, perhaps to another instance.
                    events.add(new Event(at + random.nextInt(20_000), Kind.MESSAGE, c, message,
                            random.nextInt(INSTANCES), stamp, path == Path.JOB ? Path.WEBHOOK : path));
                }
                message++;
            }
        }
        maybe(random, 0.5, events, Kind.CRASH, conversations, 1_000 + random.nextInt(60_000));
        maybe(random, 0.2, events, Kind.CRASH, conversations, 1_000 + random.nextInt(60_000));
        if (random.nextDouble() < 0.4) {
            // While the instance that took a message is likely still answering or sending it.
            Event near = events.get(random.nextInt(events.size()));
            // The shutdown's grace: a platform's (Kubernetes gives 30 s) or an operator's shorter one.
            events.add(new Event(near.atMillis() + random.nextInt(8_000), Kind.ROLLING_RESTART, near.conversation(),
                    -1, near.instance(), 1_000 + random.nextInt(29_000), null));
        }
        maybe(random, 0.3, events, Kind.REDIS_RESTART, conversations, 0);
        if (random.nextDouble() < 0.4) {
            // Close behind a message of its conversation, while something is likely to be pending.
            Event near = events.get(random.nextInt(events.size()));
            events.add(new Event(near.atMillis() + random.nextInt(3_000), Kind.REDIS_LOSES_KEY, near.conversation(), -1,
                    near.instance(), random.nextInt(InMemoryStore.Loss.values().length), null));
        }
        maybe(random, 0.2, events, Kind.REDIS_DOWN, conversations, 1_000 + random.nextInt(20_000));
        maybe(random, 0.2, events, Kind.POSTGRES_DOWN, conversations, 1_000 + random.nextInt(20_000));
        maybe(random, 0.3, events, Kind.CLOCK_SKEW, conversations, random.nextInt(120_001) - 60_000);
        maybe(random, 0.2, events, Kind.AI_SLOW, conversations, 60_000);
        maybe(random, 0.2, events, Kind.AI_FAILING, conversations, 30_000);
        maybe(random, 0.1, events, Kind.AI_REFUSING, conversations, 30_000);
        maybe(random, 0.3, events, Kind.PANCAKE_DOWN, conversations,
                random.nextDouble() < 0.2 ? 3_600_000 + random.nextInt(7_200_000) : 5_000 + random.nextInt(600_000));
        maybe(random, 0.2, events, Kind.PANCAKE_LIMITING, conversations, 120_000);
        maybe(random, 0.2, events, Kind.PANCAKE_SLOW, conversations, 120_000);
        maybe(random, 0.3, events, Kind.HAND_OFF, conversations, 0);
        maybe(random, 0.3, events, Kind.RESUME, conversations, 0);
        maybe(random, 0.2, events, Kind.FORCE_RELEASE, conversations, 0);
        maybe(random, 0.2, events, Kind.CLEANUP, conversations, 0);
        maybe(random, 0.3, events, Kind.RETRY_DEAD_LETTERS, conversations, 0);
        maybe(random, 0.1, events, Kind.CANCEL_JOB, conversations, 0);
        // Drawn after everything else, so the plans of earlier versions (and the seeds their notes cite) stay the same
        // but for these.
        Tuning tuning = Tuning.DEFAULT;
        if (random.nextDouble() < 0.5) {
            long window = random.nextBoolean() ? 0 : 500 + random.nextInt(2_500);
            tuning = new Tuning(Duration.ofMillis(window), Duration.ofMillis(window * (1 + random.nextInt(3))),
                    random.nextBoolean() ? 2 : 50, random.nextBoolean(), Tuning.DEFAULT.longestAnswer(),
                    Tuning.DEFAULT.sweepPage());
        }
        // Pancake refusing sends for a while (a closed messaging window, a revoked page token): answers end REJECTED.
        maybe(random, 0.15, events, Kind.PANCAKE_REJECTING, conversations, 5_000 + random.nextInt(60_000));
        boolean calm = random.nextDouble() < 0.3;
        if (calm) {
            // A calm world: the same workload and operators, no fault of any kind.
            events.removeIf(e -> FAULTS.contains(e.kind()));
            callFaults = new double[] {0, 0, 0};
            rates = new double[] {0, rates[1], 0, 0};
        }
        if (random.nextDouble() < 0.25) {
            // An AI that takes longer than a third of the lease, or all of it: the holder must renew as it waits.
            tuning = tuning.withLongestAnswer(Duration.ofSeconds(35));
        }
        if (random.nextBoolean()) {
            tuning = tuning.withSweepPage(1 + random.nextInt(2));
        }
        // An operator (or a test) dispatching the outbox by hand and waiting for its sends, within the first ten
        // minutes, when answers that failed are coming due.
        maybe(random, 0.5, events, Kind.DISPATCH_NOW, conversations, 0);
        maybe(random, 0.5, events, Kind.DISPATCH_NOW, conversations, 0);
        // The same with the sweeper, when messages of a crashed holder wait for it.
        maybe(random, 0.5, events, Kind.SWEEP_NOW, conversations, 0);
        maybe(random, 0.5, events, Kind.SWEEP_NOW, conversations, 0);
        events.sort(Comparator.comparingLong(Event::atMillis));
        return new Plan(seed, mode, callFaults, rates, List.copyOf(events), tuning, calm);
    }

    private static void maybe(Random random, double odds, List<Event> events, Kind kind, int conversations,
                              long millis) {
        if (random.nextDouble() < odds) {
            long at = kind == Kind.RETRY_DEAD_LETTERS ? 1_800_000 + random.nextInt(3_600_000)
                    : random.nextInt(kind == Kind.RESUME ? 240_000 : kind == Kind.DISPATCH_NOW || kind == Kind.SWEEP_NOW ? 600_000 : 150_000);
            events.add(new Event(at, kind, random.nextInt(conversations), -1, random.nextInt(INSTANCES), millis, null));
        }
    }

    Plan without(int index) {
        List<Event> fewer = new ArrayList<>(events);
        fewer.remove(index);
        return new Plan(seed, mode, callFaults, rates, List.copyOf(fewer), tuning, calm);
    }

    String describe() {
        return "seed " + seed + ", " + mode + " mode" + (calm ? ", calm" : "") + ", " + tuning + ", port faults " + java.util.Arrays.toString(callFaults)
                + ", rates " + java.util.Arrays.toString(rates) + ":\n"
                + events.stream().map(e -> "  " + e).collect(Collectors.joining("\n"));
    }
}
