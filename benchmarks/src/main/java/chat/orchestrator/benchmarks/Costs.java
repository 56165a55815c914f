package chat.orchestrator.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * What one message costs, from counters read before and after a fixed number of messages: CPU time of the
 * app-server process, of Redis and of PostgreSQL's processes; Redis commands by name; PostgreSQL transactions and
 * rows. Unlike a rate, these hardly move when other work shares the machine, so a change that saves a round trip
 * shows even on a loaded machine. Linux only (CPU times come from /proc).
 */
final class Costs {
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    /** One reading of every counter. */
    record Reading(double serverCpuSeconds, double redisCpuSeconds, double postgresCpuSeconds,
                   Map<String, Long> redisCalls, long redisReads, long commits, long rowsWritten) {
    }

    private final Stores stores;
    private final String database;
    private final AppServer app;

    Costs(Stores stores, String database, AppServer app) {
        this.stores = stores;
        this.database = database;
        this.app = app;
    }

    /**
     * The statements run since the last reading that reset them, per message, when pg_stat_statements is loaded
     * ({@code benchmarks/run costs}); empty otherwise.
     */
    java.util.List<String> statements(long messages) throws SQLException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        try (Connection connection = connect();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT calls, total_exec_time, query FROM pg_stat_statements"
                     + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                     + " ORDER BY calls DESC, total_exec_time DESC LIMIT 25")) {
            while (rows.next()) {
                lines.add(String.format(Locale.ROOT, "  %5.2f per message, %6.3f ms each: %s",
                        rows.getLong(1) / (double) messages, rows.getDouble(2) / Math.max(1, rows.getLong(1)),
                        rows.getString(3).replaceAll("\\s+", " ").substring(0,
                                Math.min(160, rows.getString(3).replaceAll("\\s+", " ").length()))));
            }
        } catch (SQLException notLoaded) {
            if (!"42P01".equals(notLoaded.getSQLState()) && !"55000".equals(notLoaded.getSQLState())) {
                throw notLoaded;
            }
        }
        return lines;
    }

    Reading read() throws IOException, SQLException {
        return new Reading(app.cpuSeconds(), redisCpuSeconds(), postgresCpuSeconds(), redisCalls(), redisReads(),
                databaseCounter("xact_commit"), databaseCounter("tup_inserted + tup_updated + tup_deleted"));
    }

    /** The difference of two readings per message, printed one per line; returns the server's CPU ms per message. */
    static String describe(Reading before, Reading after, long messages) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "per message over %,d messages: CPU app-server %.2f ms, Redis %.3f ms,"
                        + " PostgreSQL %.2f ms; PostgreSQL %.2f commits, %.2f rows written; Redis %.2f round trips,"
                        + " %.2f commands:",
                messages, 1000 * (after.serverCpuSeconds() - before.serverCpuSeconds()) / messages,
                1000 * (after.redisCpuSeconds() - before.redisCpuSeconds()) / messages,
                1000 * (after.postgresCpuSeconds() - before.postgresCpuSeconds()) / messages,
                (after.commits() - before.commits()) / (double) messages,
                (after.rowsWritten() - before.rowsWritten()) / (double) messages,
                (after.redisReads() - before.redisReads()) / (double) messages,
                (total(after.redisCalls()) - total(before.redisCalls())) / (double) messages));
        after.redisCalls().forEach((command, calls) -> {
            long delta = calls - before.redisCalls().getOrDefault(command, 0L);
            if (delta > 0) {
                text.append(String.format(Locale.ROOT, " %s %.2f", command, delta / (double) messages));
            }
        });
        return text.toString();
    }

    static double cpuMillisPerMessage(Reading before, Reading after, long messages) {
        return 1000 * (after.serverCpuSeconds() - before.serverCpuSeconds()) / messages;
    }

    private static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> redisCalls() {
        Map<String, Long> calls = new TreeMap<>();
        try (Jedis jedis = new Jedis("127.0.0.1", stores.redisPort)) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                // cmdstat_evalsha:calls=123,usec=...
                if (line.startsWith("cmdstat_")) {
                    String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                    String count = line.substring(line.indexOf("calls=") + "calls=".length());
                    calls.put(command, Long.parseLong(count.substring(0, count.indexOf(','))));
                }
            }
        }
        calls.remove("info");
        return calls;
    }

    /**
     * Requests Redis has read off its sockets ({@code total_reads_processed}): one per round trip, a pipeline sent
     * in one write included, where {@code commandstats} counts every command, those a script runs too. The readings'
     * own few requests are a rounding error over thousands of messages.
     */
    private long redisReads() {
        try (Jedis jedis = new Jedis("127.0.0.1", stores.redisPort)) {
            for (String line : jedis.info("stats").split("\r?\n")) {
                if (line.startsWith("total_reads_processed:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        throw new IllegalStateException("Redis reports no total_reads_processed (older than 6.0?)");
    }

    private double redisCpuSeconds() {
        double seconds = 0;
        try (Jedis jedis = new Jedis("127.0.0.1", stores.redisPort)) {
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        return seconds;
    }

    /** Every process named postgres (the postmaster and its backends), live ones only: a closed backend's time is lost. */
    private static double postgresCpuSeconds() throws IOException {
        double ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                        continue;
                    }
                    String[] fields = stat.substring(close + 2).split(" ");
                    // Fields 14 and 15 of proc(5), utime and stime, are the 12th and 13th after the command.
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException gone) {
                    // The process ended between the listing and the read.
                }
            }
        }
        return ticks / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * Waits until {@code messages} messages of conversations named {@code prefix}… are recorded, all answered, and
     * none of their deliveries waits: the webhook answers before the work is done, so the counters are read after.
     */
    void awaitAnswered(String prefix, long messages, Duration budget) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = connect();
                 Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT (SELECT count(*) FROM messages WHERE conversation_id"
                         + " LIKE '" + prefix + "%' AND answered_by IS NOT NULL), (SELECT count(*) FROM deliveries"
                         + " WHERE conversation_id LIKE '" + prefix + "%' AND status = 'pending')")) {
                row.next();
                if (row.getLong(1) >= messages && row.getLong(2) == 0) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the webhook's messages were not all answered and delivered within " + budget);
    }

    /** Starts {@link #statements}'s count afresh. */
    void resetStatements() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_stat_statements_reset()");
        } catch (SQLException notLoaded) {
            if (!"42883".equals(notLoaded.getSQLState()) && !"55000".equals(notLoaded.getSQLState())) {
                throw notLoaded;
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + stores.postgresPort() + "/" + database,
                "postgres", "");
    }

    private long databaseCounter(String expression) throws SQLException {
        try (Connection connection = connect();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT " + expression
                     + " FROM pg_stat_database WHERE datname = current_database()")) {
            row.next();
            return row.getLong(1);
        }
    }
}
