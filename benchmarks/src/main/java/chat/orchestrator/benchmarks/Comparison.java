package chat.orchestrator.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The whole side-by-side comparison of docs/performance.md in one run: starts Redis and PostgreSQL, measures our
 * lock against raw Jedis and Redisson, our durable writes against pgbench, app-server end to end against pgbench and
 * a Helidon hello endpoint, Redis and heap memory after many conversations, and start to first answer; then prints
 * one table of ratios. Prints, never asserts. Argument: {@code full} (default) or {@code quick} (a smoke run).
 */
public final class Comparison {
    private static final int[] LOCK_THREADS = {1, 16};
    private static final int[] CONCURRENCY = {1, 16, 64};
    private static final int LOCK_TTL_SECONDS = 10;

    /** How long each part runs. */
    private record Scale(int lockRounds, int lockSeconds, Duration warmUp, Duration measured,
                         Duration pgbench, int conversations, int memoryConversations, Duration memoryBudget,
                         int startRuns) {
    }

    /** The memory fill stops at its budget on a machine too slow for 100,000 answers in it, and says so. */
    private static final Scale FULL = new Scale(3, 2, Duration.ofSeconds(5), Duration.ofSeconds(15),
            Duration.ofSeconds(10), 100_000, 100_000, Duration.ofSeconds(270), 3);
    private static final Scale QUICK = new Scale(1, 1, Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(3), 100_000, 2_000, Duration.ofSeconds(60), 1);

    private final Scale scale;
    private final Table table = new Table();
    private final Path logs;
    private final Map<Integer, Load.Result> endToEnd = new LinkedHashMap<>();
    private final Map<Integer, Pgbench.Result> twoRowTps = new LinkedHashMap<>();
    /** Durable transactions one answered message needs at the least: its record, its answer, its delivery. */
    private static final int TRANSACTIONS_PER_MESSAGE = 3;

    private Comparison(Scale scale, Path logs) {
        this.scale = scale;
        this.logs = logs;
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "full";
        Scale scale = mode.equals("quick") ? QUICK : FULL;
        quietLogging();
        Path logs = Files.createDirectories(Path.of(System.getProperty("bench.logs", "benchmarks/target/bench-logs")));
        Comparison comparison = new Comparison(scale, logs);
        if (mode.equals("costs")) {
            comparison.costsOnly();
        } else if (mode.equals("start")) {
            comparison.startToFirstAnswer();
            System.out.println(comparison.table.render());
        } else {
            comparison.run();
        }
    }

    /** {@code benchmarks/run costs}: only the cost of one message, a one-minute run for trying a change. */
    private void costsOnly() throws Exception {
        System.out.println(Machine.describe());
        try (Stores stores = new Stores(true)) {
            String database = stores.createDatabase("costs");
            stores.execute(database, "CREATE EXTENSION pg_stat_statements");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try (AppServer app = AppServer.launch(appEnvironment(stores, database),
                    logs.resolve("app-server-costs.log"))) {
                app.awaitReady(client);
                URI endpoint = app.uri("/api/v1/enhanced-handle-message");
                // Long enough for the JIT to have compiled the hot paths: its threads' CPU is the process's, and the
                // full run measures after 100,000 messages.
                Load.run(16, Duration.ofSeconds(40), Duration.ofSeconds(1),
                        sequence -> AppServer.send(client, endpoint, "warm-" + (sequence % 1_000), "w" + sequence));
                // As autovacuum would have after a minute: statistics of the tables the warm-up filled. Without
                // them the plans cached while the tables were empty (sequential scans) outlive the tables' growth.
                stores.execute(database, "VACUUM ANALYZE");
                costs(stores, database, app, client, endpoint);
            }
        }
        System.out.println(table.render());
    }

    /**
     * A fixed number of messages to new conversations at 16 connections, with every counter read before and after:
     * what one message costs in CPU and round trips, whatever else the machine is doing. Once through the synchronous
     * endpoint, then once through Pancake's webhook (which answers at once: its counters are read once every answer
     * is stored and delivered).
     */
    private void costs(Stores stores, String database, AppServer app, HttpClient client, URI endpoint)
            throws Exception {
        Costs costs = new Costs(stores, database, app);
        long messages = 3_000;
        costs.resetStatements();
        Costs.Reading before = costs.read();
        Load.Result result = Load.each(messages, 16, Duration.ofSeconds(120),
                sequence -> AppServer.send(client, endpoint, "cost-" + sequence, "cost-" + sequence));
        // PostgreSQL publishes its statistics a moment after the transactions end.
        Thread.sleep(Duration.ofMillis(1_500));
        Costs.Reading after = costs.read();
        long answered = result.operations();
        System.out.println("sync: " + Costs.describe(before, after, answered) + (result.errors() == 0 ? ""
                : String.format(Locale.ROOT, " (%d errors, first: %s)", result.errors(), result.firstError())));
        costs.statements(answered).forEach(System.out::println);
        table.row("app-server CPU per message, 16 connections (lower is better)", 16,
                String.format(Locale.ROOT, "%.2f ms", Costs.cpuMillisPerMessage(before, after, answered)), "-",
                Double.NaN);

        URI webhook = app.uri("/api/v1/pancake/webhook");
        costs.resetStatements();
        Costs.Reading beforeHooks = costs.read();
        Load.Result hooks = Load.each(messages, 16, Duration.ofSeconds(120),
                sequence -> AppServer.sendWebhook(client, webhook, "hook-" + sequence, "hook-" + sequence));
        costs.awaitAnswered("hook-", hooks.operations(), Duration.ofSeconds(120));
        Thread.sleep(Duration.ofMillis(1_500));
        Costs.Reading afterHooks = costs.read();
        System.out.println("webhook: " + Costs.describe(beforeHooks, afterHooks, hooks.operations())
                + (hooks.errors() == 0 ? "" : String.format(Locale.ROOT, " (%d errors, first: %s)", hooks.errors(),
                hooks.firstError())));
        costs.statements(hooks.operations()).forEach(System.out::println);
        table.row("app-server CPU per webhook message, 16 connections (lower is better)", 16,
                String.format(Locale.ROOT, "%.2f ms",
                        Costs.cpuMillisPerMessage(beforeHooks, afterHooks, hooks.operations())), "-", Double.NaN);
    }

    private static Map<String, String> appEnvironment(Stores stores, String database) throws java.io.IOException {
        Map<String, String> env = AppServer.baseEnvironment(Stores.freePort());
        env.put("REDIS_URL", "redis://127.0.0.1:" + stores.redisPort + "/0");
        env.put("DATABASE_URL", "postgres://postgres@127.0.0.1:" + stores.postgresPort() + "/" + database
                + "?sslmode=disable");
        env.put("PROCESSING_LOCK_TTL", Integer.toString(LOCK_TTL_SECONDS));
        return env;
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        System.out.println(Machine.describe());
        try (Stores stores = new Stores()) {
            Optional<Pgbench> pgbench = Pgbench.find(stores.postgresPort());
            System.out.println(pgbench.map(p -> "pgbench: " + p.binary()).orElse(
                    "pgbench: NOT FOUND (looked at $PGBENCH, /usr/lib/postgresql/15/bin/pgbench, /usr/bin/pgbench):"
                            + " the pgbench columns stay empty; install postgresql-client or set PGBENCH"));
            locks(stores);
            Map<Integer, Pgbench.Result> twoRow = twoRowReference(stores, pgbench);
            twoRowTps.putAll(twoRow);
            durableWrites(stores, pgbench, twoRow);
            endToEnd(stores, twoRow);
        }
        hello();
        startToFirstAnswer();
        System.out.println();
        System.out.printf(Locale.ROOT, "whole run: %.0f s%n%n", (System.nanoTime() - started) / 1e9);
        System.out.println(table.render());
    }

    /**
     * Several short rounds of all three, the median of each kept: on a shared machine a single sequence would give
     * each client a different moment of the neighbours' load.
     */
    private void locks(Stores stores) throws Exception {
        Map<String, Double> perSecond = new LinkedHashMap<>();
        for (int threads : LOCK_THREADS) {
            Map<String, List<Double>> rounds = new LinkedHashMap<>();
            for (int round = 0; round < scale.lockRounds(); round++) {
                Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include(LockBenchmarks.class.getName() + "\\.")
                        .threads(threads).forks(1)
                        .warmupIterations(1).warmupTime(TimeValue.seconds(scale.lockSeconds()))
                        .measurementIterations(2).measurementTime(TimeValue.seconds(scale.lockSeconds()))
                        .jvmArgsAppend("-D" + LockBenchmarks.PORT_PROPERTY + "=" + stores.redisPort, "-Xmx512m")
                        .shouldFailOnError(true).verbosity(VerboseMode.SILENT).build()).run();
                for (RunResult result : results) {
                    String benchmark = result.getParams().getBenchmark();
                    String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                    rounds.computeIfAbsent(name, n -> new ArrayList<>()).add(result.getPrimaryResult().getScore());
                }
            }
            rounds.forEach((name, figures) -> {
                double median = figures.stream().sorted().toList().get(figures.size() / 2);
                perSecond.put(name + "@" + threads, median);
                System.out.printf(Locale.ROOT, "lock %-8s threads=%2d %,.0f ops/s (median of rounds %s)%n", name,
                        threads, median, figures.stream().map(f -> String.format(Locale.ROOT, "%,.0f", f)).toList());
            });
        }
        for (int threads : LOCK_THREADS) {
            double ours = perSecond.get("ours@" + threads);
            table.row("Redis lock acquire+release vs raw Jedis, same 2 scripts", threads,
                    ops(ours), ops(perSecond.get("rawJedis@" + threads)), ours / perSecond.get("rawJedis@" + threads));
            table.row("Redis lock acquire+release vs Redisson RLock tryLock+unlock", threads,
                    ops(ours), ops(perSecond.get("redisson@" + threads)), ours / perSecond.get("redisson@" + threads));
        }
        stores.flushRedis();
    }

    private Map<Integer, Pgbench.Result> twoRowReference(Stores stores, Optional<Pgbench> pgbench) throws Exception {
        Map<Integer, Pgbench.Result> results = new LinkedHashMap<>();
        if (pgbench.isEmpty()) {
            return results;
        }
        String database = stores.createDatabase("reference");
        stores.execute(database, "CREATE TABLE two_rows (id bigserial PRIMARY KEY, conversation_id text NOT NULL,"
                + " body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
        for (int clients : CONCURRENCY) {
            Pgbench.Result result = pgbench.get().run(database, "two-row.sql", clients, scale.pgbench());
            results.put(clients, result);
            System.out.printf(Locale.ROOT, "pgbench 2-row insert transaction clients=%2d %,.0f TPS, mean %.2f ms%n",
                    clients, result.tps(), result.latencyMillis());
        }
        return results;
    }

    private void durableWrites(Stores stores, Optional<Pgbench> pgbench, Map<Integer, Pgbench.Result> twoRow)
            throws Exception {
        String database = stores.createDatabase("durable");
        Map<Integer, Load.Result> ours = new LinkedHashMap<>();
        // Not counted: compiles the hot paths first, or the first concurrency measures the JIT.
        DurableWrites.run(stores, database, 16, scale.warmUp().multipliedBy(2), Duration.ofSeconds(1),
                scale.conversations());
        for (int threads : CONCURRENCY) {
            Load.Result result = DurableWrites.run(stores, database, threads, scale.warmUp(), scale.measured(),
                    scale.conversations());
            ours.put(threads, result);
            print("durable writes per message (core + PostgreSQL adapter)", result);
        }
        for (int clients : CONCURRENCY) {
            Load.Result our = ours.get(clients);
            String figure = String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.2f ms, p99 %.2f ms", our.perSecond(),
                    our.p50Millis(), our.p99Millis());
            if (pgbench.isPresent()) {
                Pgbench.Result same = pgbench.get().run(database, "message-transactions.sql", clients, scale.pgbench());
                System.out.printf(Locale.ROOT, "pgbench same transactions per message clients=%2d %,.0f msgs/s,"
                        + " mean %.2f ms%n", clients, same.tps(), same.latencyMillis());
                table.row("durable writes per message vs pgbench running the same transactions", clients, figure,
                        String.format(Locale.ROOT, "%,.0f msgs/s", same.tps()), our.perSecond() / same.tps());
                table.row("durable writes per message vs pgbench 2-row insert transaction", clients, figure,
                        tps(twoRow.get(clients)), our.perSecond() / twoRow.get(clients).tps());
            } else {
                table.row("durable writes per message (no pgbench)", clients, figure, "-", Double.NaN);
            }
        }
    }

    private void endToEnd(Stores stores, Map<Integer, Pgbench.Result> twoRow) throws Exception {
        String database = stores.createDatabase("app");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (AppServer app = AppServer.launch(appEnvironment(stores, database),
                logs.resolve("app-server-redis-postgres.log"))) {
            app.awaitReady(client);
            URI endpoint = app.uri("/api/v1/enhanced-handle-message");
            Load.run(16, scale.warmUp(), Duration.ofSeconds(1),
                    sequence -> AppServer.send(client, endpoint, "warm-" + (sequence % 1_000), "w" + sequence));
            memory(stores, app, client, endpoint);
            costs(stores, database, app, client, endpoint);
            for (int connections : CONCURRENCY) {
                Load.Result result = Load.run(connections, scale.warmUp(), scale.measured(),
                        sequence -> AppServer.send(client, endpoint,
                                "c-" + ThreadLocalRandom.current().nextInt(scale.conversations()),
                                "e" + connections + "-" + sequence));
                print("app-server end to end (Redis + PostgreSQL) connections=" + connections, result);
                endToEnd.put(connections, result);
                Pgbench.Result reference = twoRow.get(connections);
                if (reference != null) {
                    table.row("app-server end to end vs pgbench 2-row insert transaction", connections,
                            latencies(result), tps(reference), result.perSecond() / reference.tps());
                }
            }
        }
    }

    /**
     * One message to each of {@code memoryConversations} new conversations, all answered; then, once their locks
     * would have expired, what Redis and the heap kept.
     */
    private void memory(Stores stores, AppServer app, HttpClient client, URI endpoint) throws Exception {
        long heapBefore = app.heapAfterFullGc();
        long redisBefore = stores.redisUsedMemory();
        long keysBefore = stores.redisKeys();
        Load.Result fill = Load.each(scale.memoryConversations(), 64, scale.memoryBudget(),
                sequence -> AppServer.send(client, endpoint, "c-" + sequence, "fill-" + sequence));
        long conversations = fill.operations() + fill.errors();
        System.out.printf(Locale.ROOT, "filled %,d conversations at 64 connections in %.0f s (%,.0f msgs/s), %d errors %s%s%n",
                conversations, fill.seconds(), fill.perSecond(), fill.errors(), fill.firstError(),
                conversations < scale.memoryConversations() ? " (STOPPED at the time budget of "
                        + scale.memoryBudget().toSeconds() + " s)" : "");
        Thread.sleep(Duration.ofSeconds(LOCK_TTL_SECONDS + 1));
        long redisAfter = stores.redisUsedMemory();
        long keysAfter = stores.redisKeys();
        long heapAfter = app.heapAfterFullGc();
        double perConversation = (redisAfter - redisBefore) / (double) conversations;
        System.out.printf(Locale.ROOT, "Redis used_memory %,d -> %,d bytes, keys %,d -> %,d: %.0f bytes and %.1f keys"
                        + " per conversation; heap after full GC %.1f -> %.1f MiB%n", redisBefore, redisAfter,
                keysBefore, keysAfter, perConversation, (keysAfter - keysBefore) / (double) conversations,
                heapBefore / 1048576.0, heapAfter / 1048576.0);
        table.row(String.format(Locale.ROOT, "Redis memory per conversation after %,d answered (target 2 KiB)",
                conversations), 64, String.format(Locale.ROOT, "%,.0f bytes (%.1f keys)", perConversation,
                (keysAfter - keysBefore) / (double) conversations), "2,048 bytes", perConversation / 2048);
        table.row(String.format(Locale.ROOT, "app-server heap after full GC, before vs after %,d conversations",
                conversations), 64, mib(heapAfter), mib(heapBefore), heapAfter / (double) heapBefore);
    }

    private void hello() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (HelloServer server = new HelloServer()) {
            URI hello = URI.create("http://127.0.0.1:" + server.port() + "/hello");
            for (int connections : CONCURRENCY) {
                Load.Result result = Load.run(connections, scale.warmUp(), scale.measured(), sequence -> {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(hello)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"conversation_id\":\"c-" + sequence
                                    + "\",\"message_id\":\"h" + sequence + "\",\"message_content\":\"Xin chào\"}",
                                    StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 200;
                });
                print("Helidon hello endpoint connections=" + connections, result);
                Load.Result app = endToEnd.get(connections);
                if (app != null) {
                    table.row("app-server end to end vs Helidon hello endpoint (HTTP ceiling)", connections,
                            latencies(app), latencies(result), app.perSecond() / result.perSecond());
                }
                Pgbench.Result twoRow = twoRowTps.get(connections);
                if (twoRow != null) {
                    // The cores are shared: a message costs at least one HTTP exchange plus three transactions, so
                    // their costs per second add up, and no server of ours can beat this rate on this machine.
                    double bound = 1 / (1 / result.perSecond() + TRANSACTIONS_PER_MESSAGE / twoRow.tps());
                    table.row("bound on this machine: 1 hello exchange + " + TRANSACTIONS_PER_MESSAGE
                                    + " 2-row transactions per message, vs pgbench 2-row", connections,
                            String.format(Locale.ROOT, "%,.0f msgs/s", bound), tps(twoRow), bound / twoRow.tps());
                }
            }
        }
    }

    /**
     * The embedded default (no store, AI or Pancake configured): process start to the first answered message, of the
     * packaged jar with the class data sharing archive {@code ./serve} and the image use. The first start writes the archive (reported,
     * not counted: it is a deployment's first start after a build); the counted ones map it, as every later start does.
     */
    private void startToFirstAnswer() throws Exception {
        Path archive = logs.resolve("app-server.jsa").toAbsolutePath();
        Files.deleteIfExists(archive);
        List<String> sharing = List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive",
                "-Xlog:cds=off,cds+dynamic=off");
        double first = startOnce(sharing, "first");
        List<Double> runs = new ArrayList<>();
        for (int run = 0; run < scale.startRuns(); run++) {
            runs.add(startOnce(sharing, Integer.toString(run)));
        }
        System.out.printf(Locale.ROOT, "start to first answer (embedded default): %.0f ms writing the class data"
                + " archive, then %s ms%n", first, runs.stream().map(ms -> String.format(Locale.ROOT, "%.0f", ms)).toList());
        double median = runs.stream().sorted().toList().get(runs.size() / 2);
        table.row("start to first answer, embedded default (median of " + runs.size() + "; target 1 s)", 1,
                String.format(Locale.ROOT, "%.0f ms (%.0f ms at the first start)", median, first), "1,000 ms",
                median / 1000);
    }

    private double startOnce(List<String> jvmOptions, String name) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        Map<String, String> env = AppServer.baseEnvironment(Stores.freePort());
        try (AppServer app = AppServer.launchJar(env, logs.resolve("app-server-embedded-" + name + ".log"),
                jvmOptions)) {
            URI endpoint = app.uri("/api/v1/enhanced-handle-message");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    if (AppServer.send(client, endpoint, "first", "first-" + System.nanoTime())) {
                        return (System.nanoTime() - app.startedNanos) / 1e6;
                    }
                } catch (java.io.IOException notListening) {
                    if (System.nanoTime() > deadline) {
                        throw notListening;
                    }
                    Thread.sleep(5);
                }
            }
        }
    }

    private static void print(String what, Load.Result result) {
        System.out.printf(Locale.ROOT, "%s concurrency=%d: %,.0f/s p50 %.2f ms p99 %.2f ms (%,d in %.0f s, %d errors%s)%n",
                what, result.concurrency(), result.perSecond(), result.p50Millis(), result.p99Millis(),
                result.operations(), result.seconds(), result.errors(),
                result.firstError().isEmpty() ? "" : ", first: " + result.firstError());
    }

    private static String latencies(Load.Result result) {
        return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.1f ms, p99 %.1f ms", result.perSecond(),
                result.p50Millis(), result.p99Millis());
    }

    private static String tps(Pgbench.Result result) {
        return String.format(Locale.ROOT, "%,.0f TPS", result.tps());
    }

    private static String ops(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f ops/s", perSecond);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** The adapters' per-message INFO lines (logging Pancake, pool start) would drown the harness's output. */
    private static void quietLogging() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
    }
}
