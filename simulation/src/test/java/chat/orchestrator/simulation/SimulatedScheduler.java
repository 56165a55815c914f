package chat.orchestrator.simulation;

import chat.orchestrator.core.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The core's {@link Scheduler} for one incarnation of one simulated instance: threads are the world's simulated
 * threads owned by this incarnation (all killed when it crashes), waits block in the world's scheduler, and the
 * clock is the world's virtual time shifted by this instance's skew.
 */
final class SimulatedScheduler implements Scheduler, World.Owner {
    private final World world;
    private final String instance;
    private final Consumer<String> orphaned;
    private volatile boolean killed;
    private long skewNanos;

    /** {@code orphaned} hears of a request that waited out its wait when nothing it started could still answer it. */
    SimulatedScheduler(World world, String instance, Consumer<String> orphaned) {
        this.world = world;
        this.instance = instance;
        this.orphaned = orphaned;
    }

    @Override
    public boolean killed() {
        return killed;
    }

    void kill() {
        killed = true;
    }

    void skew(Duration skew) {
        this.skewNanos = skew.toNanos();
    }

    @Override
    public Clock clock() {
        return new VirtualClock(() -> world.instant().plusNanos(skewNanos));
    }

    @Override
    public long nanoTime() {
        return world.now();
    }

    @Override
    public RandomGenerator random() {
        return world.random();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("sleep interrupted");
        }
        world.block(() -> false, world.now() + duration.toNanos());
        if (Thread.interrupted()) {
            throw new InterruptedException("sleep interrupted");
        }
    }

    @Override
    public ExecutorService threadPerTask(String name) {
        return new ThreadPerTask(name);
    }

    @Override
    public <T> Future<T> start(String name, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        world.spawn(this, instance + "/" + name, future);
        return future;
    }

    @Override
    public <T> T await(Future<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!future.isDone()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("wait interrupted");
            }
            world.block(future::isDone, world.now() + timeout.toNanos());
            if (Thread.interrupted()) {
                throw new InterruptedException("wait interrupted");
            }
            if (!future.isDone()) {
                World.SimThread self = world.current();
                if (self.awaitsItsWorker && !self.startedOneStillRunning()) {
                    orphaned.accept(self.name + " waited " + timeout + " for its outcome after every thread it started"
                            + " had ended");
                }
                throw new TimeoutException("not done within " + timeout);
            }
        }
        return future.get();
    }

    @Override
    public Repeating repeat(String name, Duration interval, Runnable task) {
        boolean[] stopped = {false};
        World.SimThread thread = world.spawn(this, instance + "/" + name, () -> {
            while (!stopped[0]) {
                try {
                    sleep(interval);
                } catch (InterruptedException interrupted) {
                    return;
                }
                if (stopped[0]) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException failed) {
                    // As the JDK scheduler: the next interval comes all the same.
                }
            }
        });
        return new Repeating() {
            @Override
            public void stop() {
                stopped[0] = true;
                thread.real.interrupt();
            }

            @Override
            public boolean awaitStopped(Duration timeout) throws InterruptedException {
                if (!thread.done()) {
                    world.block(thread::done, world.now() + timeout.toNanos());
                }
                return thread.done();
            }
        };
    }

    /** An executor of simulated threads, one per task, with the JDK's shutdown semantics. */
    private final class ThreadPerTask extends AbstractExecutorService {
        private final String name;
        private final List<World.SimThread> running = new ArrayList<>();
        private boolean shutdown;
        private int next;

        ThreadPerTask(String name) {
            this.name = name;
        }

        @Override
        public void execute(Runnable command) {
            if (shutdown) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            running.removeIf(World.SimThread::done);
            running.add(world.spawn(SimulatedScheduler.this, instance + "/" + name + "-" + next++, command));
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            running.forEach(thread -> thread.real.interrupt());
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && running.stream().allMatch(World.SimThread::done);
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            if (!isTerminated()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("wait interrupted");
                }
                world.block(this::isTerminated, world.now() + unit.toNanos(timeout));
                if (Thread.interrupted()) {
                    throw new InterruptedException("wait interrupted");
                }
            }
            return isTerminated();
        }
    }
}
