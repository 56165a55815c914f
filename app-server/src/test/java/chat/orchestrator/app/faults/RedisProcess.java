package chat.orchestrator.app.faults;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server, the binary the embedded-redis jar ships, started by us so the suite holds its process: it can
 * be stopped with SIGSTOP (hung: connections stay open, nothing answers), continued, or killed and started again
 * empty on the same port (no persistence: {@code save ""}, {@code appendonly no}).
 */
final class RedisProcess implements AutoCloseable {
    private final File binary;
    private final int port;
    private final Path log;
    private Process process;

    RedisProcess(int port, Path log) throws IOException {
        this.binary = ExecutableProvider.newJarResourceProvider().get();
        this.port = port;
        this.log = log;
        start();
    }

    int port() {
        return port;
    }

    private void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(binary.getAbsolutePath(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IOException("redis-server did not listen on " + port + ": see " + log);
    }

    /** SIGSTOP: the server hangs, its sockets stay open, every command waits. */
    void hang() throws IOException {
        signal("STOP");
    }

    /** SIGCONT: it answers again, with everything it had (keys whose TTL ran out meanwhile expire at once). */
    void resume() throws IOException {
        signal("CONT");
    }

    /**
     * SIGKILL, down for {@code down}, then a fresh server on the same port: every key is gone, locks, pending sets,
     * fencing counters, dedup sets.
     */
    void restartEmpty(Duration down) throws IOException, InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(down.toMillis());
        start();
    }

    private void signal(String name) throws IOException {
        try {
            // The shell's own kill: no procps needed on the machine.
            int exit = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IOException("kill -" + name + " " + process.pid() + " exited " + exit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling redis-server", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            signal("CONT");
            process.destroyForcibly();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
