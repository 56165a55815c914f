package chat.orchestrator.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One server process started with {@code java -cp <this test's classpath> chat.orchestrator.app.Main}. */
record ServerProcess(String name, Process process, String base, Path log) implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static ServerProcess start(Map<String, String> environment, String name) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createTempFile(name + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", classpath,
                Main.class.getName());
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new ServerProcess(name, builder.start(), "http://127.0.0.1:" + environment.get("API_PORT"), log);
    }

    /** The status of {@code GET path}, or -1 when nothing answers. */
    int status(String path) throws InterruptedException {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException nothingListens) {
            return -1;
        }
    }

    /** Waits (bounded; a loaded machine starts a JVM slowly) until readiness answers 200; fails if the process dies. */
    void awaitReady() {
        await(name + " ready (log: " + log + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " died: see " + log);
                    }
                    return status("/health/ready") == 200;
                });
    }

    /** SIGTERM: the shutdown hook stops taking requests and lets workers finish. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
