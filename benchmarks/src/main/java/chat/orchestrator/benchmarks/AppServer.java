package chat.orchestrator.benchmarks;

import chat.orchestrator.app.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One app-server process ({@code java -cp <this classpath> Main}, as a deployment runs it) with the environment
 * given, its output in a log file; and the messages the load sends it.
 */
final class AppServer implements AutoCloseable {
    static final String MESSAGE_TOKEN = "bench-message-token";
    static final List<String> JVM_OPTIONS = List.of("-Xmx512m");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final int port;
    final long startedNanos;

    private AppServer(Process process, int port, long startedNanos) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** The variables every instance gets: its port, tokens, no consolidation window. */
    static Map<String, String> baseEnvironment(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("API_HOST", "127.0.0.1");
        env.put("API_PORT", Integer.toString(port));
        env.put("PANCAKE_ACCESS_TOKEN", MESSAGE_TOKEN);
        env.put("ADMIN_ACCESS_TOKEN", "bench-admin-token");
        env.put("CONSOLIDATION_WINDOW_MS", "0");
        env.put("ENVIRONMENT", "benchmark");
        return env;
    }

    static AppServer launch(Map<String, String> environment, Path log) throws IOException {
        return launch(environment, log, List.of(),
                List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }

    /**
     * The packaged server as {@code ./serve} starts it ({@code java -jar app-server/target/app-server.jar}, its
     * libraries beside it): class data sharing archives only classes from jars, and the harness's own classpath has
     * the reactor's class directories on it.
     */
    static AppServer launchJar(Map<String, String> environment, Path log, List<String> jvmOptions) throws IOException {
        Path jar = Path.of(System.getProperty("bench.jar", "app-server/target/app-server.jar")).toAbsolutePath();
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: benchmarks/run packages it first");
        }
        return launch(environment, log, jvmOptions, List.of("-jar", jar.toString()));
    }

    private static AppServer launch(Map<String, String> environment, Path log, List<String> jvmOptions,
                                    List<String> what) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmOptions);
        // -Dbench.jfr=<directory>: a flight recording of each server, to see where its CPU goes.
        String recordings = System.getProperty("bench.jfr");
        if (recordings != null) {
            command.add("-XX:FlightRecorderOptions=stackdepth=512");
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(recordings)
                    .resolve(log.getFileName().toString().replace(".log", ".jfr")).toAbsolutePath());
        }
        command.addAll(what);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("REDIS_") || name.startsWith("POSTGRES_")
                || name.startsWith("DATABASE_") || name.startsWith("AI_") || name.startsWith("PANCAKE_"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        long started = System.nanoTime();
        return new AppServer(builder.start(), Integer.parseInt(environment.get("API_PORT")), started);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    void awaitReady(HttpClient client) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("app-server died at start, exit " + process.exitValue());
            }
            try {
                if (client.send(HttpRequest.newBuilder(uri("/health/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("app-server never became ready");
    }

    /**
     * One new message as Pancake's webhook sends it; true when the server took it (status processing or queued: the
     * answer goes on in the background), an exception saying what came if not.
     */
    static boolean sendWebhook(HttpClient client, URI endpoint, String conversation, String messageId)
            throws IOException, InterruptedException {
        String body = "{\"event_type\":\"messaging\",\"page_id\":\"bench-page\",\"data\":{\"conversation\":{\"id\":\""
                + conversation + "\",\"type\":\"INBOX\"},\"message\":{\"id\":\"" + messageId
                + "\",\"from\":{\"id\":\"u-" + conversation + "\"},\"message\":\"Xin chào, tôi muốn đặt lịch\","
                + "\"created_at\":" + System.currentTimeMillis() / 1000.0 + "}}}";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint)
                .header("Authorization", "Bearer " + MESSAGE_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !(response.body().contains("\"status\":\"processing\"")
                || response.body().contains("\"status\":\"queued\""))) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(300, response.body().length())));
        }
        return true;
    }

    /** One new message; true when the server answered it (status completed), an exception saying what came if not. */
    static boolean send(HttpClient client, URI endpoint, String conversation, String messageId)
            throws IOException, InterruptedException {
        String body = "{\"conversation_id\":\"" + conversation + "\",\"message_id\":\"" + messageId
                + "\",\"message_content\":\"Xin chào, tôi muốn đặt lịch\",\"sender_id\":\"u-" + conversation
                + "\",\"sender_type\":\"user\",\"timestamp\":" + System.currentTimeMillis() / 1000.0 + "}";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint)
                .header("Authorization", "Bearer " + MESSAGE_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("\"status\":\"completed\"")) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(300, response.body().length())));
        }
        return true;
    }

    /** CPU time the process has used so far, user and system, in seconds. */
    double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("this platform does not report a process's CPU time"))
                .toNanos() / 1e9;
    }

    /** Used heap after a full collection, through jcmd (GC.run then GC.heap_info), in bytes. */
    long heapAfterFullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        long usedKiB = 0;
        for (String line : jcmd("GC.heap_info").split("\n")) {
            Matcher used = USED.matcher(line);
            if (!line.contains("Metaspace") && !line.contains("class space") && used.find()) {
                usedKiB += Long.parseLong(used.group(1));
            }
        }
        return usedKiB * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    /** SIGTERM and its graceful shutdown; SIGKILL if that takes more than 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
