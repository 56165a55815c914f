package chat.orchestrator.core;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/** {@link Scheduler} on the JDK: virtual threads for work, one platform daemon thread per repeating task. */
final class SystemScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(SystemScheduler.class.getName());

    private final Clock clock;

    SystemScheduler(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public RandomGenerator random() {
        return ThreadLocalRandom.current();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration);
    }

    @Override
    public ExecutorService threadPerTask(String name) {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
    }

    @Override
    public <T> Future<T> start(String name, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread.ofVirtual().name(name).start(future);
        return future;
    }

    @Override
    public <T> T await(Future<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Repeating repeat(String name, Duration interval, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name).daemon().factory());
        long every = interval.toNanos();
        executor.scheduleWithFixedDelay(() -> runQuietly(name, task), every, every, TimeUnit.NANOSECONDS);
        return new Repeating() {
            @Override
            public void stop() {
                executor.shutdownNow();
            }

            @Override
            public boolean awaitStopped(Duration timeout) throws InterruptedException {
                return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        };
    }

    private static void runQuietly(String name, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException failed) {
            // A scheduled task that throws is never run again; the next interval must still come.
            LOG.log(Level.WARNING, "{0} failed: {1}", name, failed.getMessage());
        }
    }
}
