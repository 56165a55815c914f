package chat.orchestrator.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own load generator, run against the harness's server with a script of ours: the rate the server
 * reaches for the same transactions with no Java, no pool and no mapping in the way. Prepared statements
 * ({@code -M prepared}), as JDBC uses them.
 */
final class Pgbench {
    private static final List<Path> KNOWN = List.of(Path.of("/usr/lib/postgresql/15/bin/pgbench"),
            Path.of("/usr/bin/pgbench"));
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

    /** One pgbench run: transactions (script runs) per second and the mean latency of one. */
    record Result(int clients, double tps, double latencyMillis) {
    }

    private final Path binary;
    private final int port;

    private Pgbench(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** The binary named by PGBENCH, or PostgreSQL 15's, or the one on /usr/bin; empty when there is none. */
    static Optional<Pgbench> find(int port) {
        Optional<Path> named = Optional.ofNullable(System.getenv("PGBENCH")).map(Path::of);
        return named.or(() -> KNOWN.stream().filter(Files::isExecutable).findFirst())
                .filter(Files::isExecutable).map(binary -> new Pgbench(binary, port));
    }

    Path binary() {
        return binary;
    }

    Result run(String database, String resource, int clients, Duration duration) throws IOException, InterruptedException {
        Path script = Files.createTempFile("pgbench-", ".sql");
        try (var in = Pgbench.class.getResourceAsStream(resource)) {
            Files.write(script, in.readAllBytes());
        }
        int threads = Math.min(clients, Runtime.getRuntime().availableProcessors());
        Process process = new ProcessBuilder(binary.toString(), "-n", "-M", "prepared", "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-U", "postgres", "-c", Integer.toString(clients),
                "-j", Integer.toString(threads), "-T", Long.toString(duration.toSeconds()), "-f", script.toString(),
                database).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Files.deleteIfExists(script);
        Matcher tps = TPS.matcher(output);
        Matcher latency = LATENCY.matcher(output);
        if (exit != 0 || !tps.find() || !latency.find()) {
            throw new IOException("pgbench exited " + exit + ":\n" + output);
        }
        return new Result(clients, Double.parseDouble(tps.group(1)), Double.parseDouble(latency.group(1)));
    }
}
