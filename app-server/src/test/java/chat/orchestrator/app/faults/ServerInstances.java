package chat.orchestrator.app.faults;

import chat.orchestrator.app.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The app-server processes, each a JVM started from this test's classpath ({@code java -cp … Main}) on a port of its
 * own, kept for the whole run: an instance can be killed (SIGKILL, no shutdown hook) and started again on the same
 * port with the same environment. Every start writes its own log under the suite's directory.
 */
final class ServerInstances implements AutoCloseable {
    private final List<Map<String, String>> environments;
    private final Path logs;
    private final Process[] processes;
    private final int[] generations;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ServerInstances(List<Map<String, String>> environments, Path logs) {
        this.environments = List.copyOf(environments);
        this.logs = logs;
        this.processes = new Process[environments.size()];
        this.generations = new int[environments.size()];
    }

    int size() {
        return processes.length;
    }

    String base(int instance) {
        return "http://127.0.0.1:" + environments.get(instance).get("API_PORT");
    }

    void startAll() throws IOException, InterruptedException {
        for (int i = 0; i < processes.length; i++) {
            launch(i);
        }
        for (int i = 0; i < processes.length; i++) {
            awaitReady(i);
        }
    }

    synchronized boolean alive(int instance) {
        return processes[instance] != null && processes[instance].isAlive();
    }

    /** A live instance at random, or any if none is alive (the caller's request then fails and is retried). */
    int pick(int avoid) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < processes.length; i++) {
            if (i != avoid && alive(i)) {
                live.add(i);
            }
        }
        if (live.isEmpty()) {
            return ThreadLocalRandom.current().nextInt(processes.length);
        }
        return live.get(ThreadLocalRandom.current().nextInt(live.size()));
    }

    /** SIGKILL: no shutdown hook, leases and claims are left to expire. */
    void kill(int instance) {
        Process process;
        synchronized (this) {
            process = processes[instance];
        }
        Timeline.log("instance " + instance + " (pid " + process.pid() + ") killed");
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void restart(int instance) throws IOException, InterruptedException {
        launch(instance);
        awaitReady(instance);
        Timeline.log("instance " + instance + " restarted");
    }

    Path log(int instance) {
        return logs.resolve("instance-" + instance + "-" + generations[instance] + ".log");
    }

    List<Path> allLogs() {
        List<Path> all = new ArrayList<>();
        for (int i = 0; i < processes.length; i++) {
            for (int g = 1; g <= generations[i]; g++) {
                all.add(logs.resolve("instance-" + i + "-" + g + ".log"));
            }
        }
        return all;
    }

    private synchronized void launch(int instance) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        generations[instance]++;
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath, Main.class.getName());
        builder.environment().putAll(environments.get(instance));
        builder.redirectErrorStream(true).redirectOutput(log(instance).toFile());
        processes[instance] = builder.start();
    }

    private void awaitReady(int instance) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!alive(instance)) {
                throw new IllegalStateException("instance " + instance + " died at start: see " + log(instance));
            }
            try {
                HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(URI.create(base(instance) + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("instance " + instance + " never became ready: see " + log(instance));
    }

    @Override
    public synchronized void close() {
        for (Process process : processes) {
            if (process != null) {
                process.destroyForcibly();
            }
        }
        client.close();
    }
}
