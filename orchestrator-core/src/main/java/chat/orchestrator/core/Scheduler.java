package chat.orchestrator.core;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Everything the core does with time, threads and chance: the clock, sleeps, threads of its own, bounded waits,
 * repeating tasks and random draws. Production runs on the JDK ({@link #system}); a deterministic simulation runs the same use cases on one
 * seeded scheduler with a virtual clock, which is only possible because nothing in the core waits or starts a thread
 * any other way.
 */
public interface Scheduler {
    /** Wall-clock time: timestamps, leases, due times. */
    Clock clock();

    /** A monotonic reading in nanoseconds, for durations and deadlines only. */
    long nanoTime();

    /** Randomness the core draws (the delivery backoff's jitter), from the caller's thread. */
    RandomGenerator random();

    /** Sleeps for {@code duration}; interruptible. */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * An executor that runs each task on a thread of its own named {@code name}-N; shutting it down stops it taking
     * tasks, and {@code shutdownNow} interrupts the running ones.
     */
    ExecutorService threadPerTask(String name);

    /** Starts {@code task} on a thread of its own; cancelling the future with interruption interrupts that thread. */
    <T> Future<T> start(String name, Callable<T> task);

    /** Waits at most {@code timeout} for {@code future}, as {@link Future#get(long, java.util.concurrent.TimeUnit)}. */
    <T> T await(Future<T> future, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException;

    /**
     * Runs {@code task} on a thread of its own every {@code interval}, the first time one interval from now, each
     * run starting one interval after the previous one ended. A task that throws is run again at the next interval.
     */
    Repeating repeat(String name, Duration interval, Runnable task);

    /** A task started by {@link #repeat}. */
    interface Repeating {
        /** Runs it no more, and interrupts a run in progress. */
        void stop();

        /** Waits up to {@code timeout} for a run in progress to end after {@link #stop}; false if it did not. */
        boolean awaitStopped(Duration timeout) throws InterruptedException;
    }

    /** The JDK's threads and sleeps, with {@code clock} for wall-clock time. */
    static Scheduler system(Clock clock) {
        return new SystemScheduler(clock);
    }

    /** The JDK's threads and sleeps on the UTC system clock. */
    static Scheduler system() {
        return new SystemScheduler(Clock.systemUTC());
    }
}
