package chat.orchestrator.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One seeded, single-stepping world: every simulated thread is a real virtual thread, but only one runs at a time and
 * only until its next scheduling point (a port call, a sleep, a wait, a thread start). Which ready thread runs next is
 * drawn from the seed; time is virtual and moves only when no thread is ready (to the earliest deadline) and by a
 * small cost per step. So a seed fixes the interleaving, and a failure replays exactly.
 */
final class World {
    static final Instant EPOCH = Instant.parse("2026-12-01T09:00:00Z");
    /** What one step costs in virtual time, so a thread that loops without waiting still lets leases run out. */
    private static final long STEP_NANOS = 50_000;
    /** A thread that does not come back to the scheduler within this much real time is blocked outside it. */
    private static final long WATCHDOG_SECONDS = 20;

    private final Random random;
    private final List<SimThread> threads = new ArrayList<>();
    /** Set by a simulated thread when it hands the baton back; the loop thread parks until it is. */
    private volatile boolean handedBack;
    private volatile Thread loop;
    private final ThreadLocal<SimThread> current = new ThreadLocal<>();
    /** The world each simulated thread belongs to, for what reaches a simulated thread from outside it (a log). */
    private static final ThreadLocal<World> OF_THREAD = new ThreadLocal<>();
    /** Hears of a bug the core caught and logged on one of this world's threads. */
    java.util.function.Consumer<String> bugs = bug -> {
    };
    private long now;
    private long steps;
    private int nextId;
    private Throwable failure;
    /** Every step, when asked for: which thread ran at what virtual time, for replaying a seed by eye. */
    List<String> trace;

    World(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    long now() {
        return now;
    }

    Instant instant() {
        return EPOCH.plusNanos(now);
    }

    long steps() {
        return steps;
    }

    /** Who runs a simulated thread: an instance's incarnation (killed together when it crashes), or the world. */
    interface Owner {
        boolean killed();
    }

    static final Owner WORLD = () -> false;

    /** Adds what just happened to the trace, when one is kept. */
    void note(String what) {
        if (trace != null) {
            trace.add("    " + what);
        }
    }

    /** Starts {@code body} as a simulated thread of {@code owner}; it runs when the scheduler first picks it. */
    SimThread spawn(Owner owner, String name, Runnable body) {
        SimThread thread = new SimThread(nextId++, owner, name);
        threads.add(thread);
        SimThread parent = current.get();
        if (parent != null) {
            parent.started.add(thread);
            thread.parent = parent;
        }
        thread.real = Thread.ofVirtual().name("sim-" + name).unstarted(() -> {
            current.set(thread);
            OF_THREAD.set(this);
            thread.awaitBaton();
            try {
                if (!owner.killed()) {
                    body.run();
                }
            } catch (SimulatedCrash crashed) {
                // The process died under this thread: nothing of it runs any more.
            } catch (Throwable unexpected) {
                if (!thread.dead()) {
                    StringBuilder where = new StringBuilder();
                    StackTraceElement[] frames = unexpected.getStackTrace();
                    for (int i = 0; i < Math.min(12, frames.length); i++) {
                        where.append("\n      at ").append(frames[i]);
                    }
                    failure = new AssertionError("thread " + name + " died of an uncaught " + unexpected + where,
                            unexpected);
                }
            } finally {
                thread.state = State.DONE;
                handBack();
            }
        });
        thread.real.start();
        return thread;
    }

    /** The world whose simulated thread is running now, if the caller is on one. */
    static java.util.Optional<World> ofCurrentThread() {
        return java.util.Optional.ofNullable(OF_THREAD.get());
    }

    /** The simulated thread running now; fails on any other thread. */
    SimThread current() {
        SimThread thread = current.get();
        if (thread == null) {
            throw new IllegalStateException("not on a simulated thread: " + Thread.currentThread());
        }
        return thread;
    }

    boolean onSimulatedThread() {
        return current.get() != null;
    }

    /** A scheduling point: another ready thread may run before this one goes on. */
    void yieldPoint() {
        SimThread self = current();
        self.state = State.READY;
        pause(self);
    }

    /**
     * Waits until {@code ready} holds, the virtual {@code deadline} passes or the thread is interrupted (the caller
     * tells which from the interrupt flag and the condition).
     */
    void block(BooleanSupplier ready, long deadline) {
        SimThread self = current();
        self.state = State.BLOCKED;
        self.ready = ready;
        self.deadline = deadline;
        pause(self);
    }

    private void pause(SimThread self) {
        // A dying thread never parks again: it unwinds to its end without another scheduling point.
        if (self.dead()) {
            throw new SimulatedCrash();
        }
        handBack();
        self.awaitBaton();
        if (self.dead()) {
            throw new SimulatedCrash();
        }
    }

    /**
     * Runs ready threads one at a time until {@code done} holds (checked after every step) or virtual time reaches
     * {@code until}; {@code afterStep} checks the invariants.
     */
    void run(long until, BooleanSupplier done, Runnable afterStep, long maxSteps) {
        List<SimThread> ready = new ArrayList<>();
        while (true) {
            if (failure != null) {
                throw new SimulationFailure(failure.getMessage(), failure);
            }
            if (done.getAsBoolean()) {
                return;
            }
            ready.clear();
            long nextDeadline = Long.MAX_VALUE;
            for (SimThread thread : threads) {
                if (isReady(thread)) {
                    ready.add(thread);
                } else if (thread.state == State.BLOCKED) {
                    nextDeadline = Math.min(nextDeadline, thread.deadline);
                }
            }
            if (ready.isEmpty()) {
                if (nextDeadline == Long.MAX_VALUE || nextDeadline > until) {
                    now = Math.max(now, until);
                    return;
                }
                now = nextDeadline;
                continue;
            }
            if (++steps > maxSteps) {
                throw new SimulationFailure("no quiescence after " + maxSteps + " steps at " + instant()
                        + ": something loops without waiting", null);
            }
            SimThread next = ready.get(random.nextInt(ready.size()));
            if (trace != null) {
                trace.add(steps + " " + now + " " + next.name + " of " + ready.size());
            }
            step(next);
            now += STEP_NANOS;
            threads.removeIf(t -> t.state == State.DONE);
            afterStep.run();
        }
    }

    private boolean isReady(SimThread thread) {
        return switch (thread.state) {
            case READY -> true;
            case BLOCKED -> thread.owner.killed() || thread.interrupted() || thread.deadline <= now
                    || thread.ready.getAsBoolean();
            case RUNNING, DONE -> false;
        };
    }

    private void handBack() {
        handedBack = true;
        LockSupport.unpark(loop);
    }

    private void step(SimThread thread) {
        loop = Thread.currentThread();
        handedBack = false;
        thread.state = State.RUNNING;
        thread.giveBaton();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (!handedBack) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            if (!handedBack && System.nanoTime() > deadline) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : thread.real.getStackTrace()) {
                    stack.append("\n    at ").append(frame);
                }
                throw new SimulationFailure("thread " + thread.name + " blocked outside the scheduler" + stack, null);
            }
        }
    }

    /** Ends every thread still parked in the scheduler (a finished or failed run), so none outlives the world. */
    void dispose() {
        for (SimThread thread : List.copyOf(threads)) {
            thread.disposed = true;
        }
        // Each parked thread wakes once more, finds itself disposed and ends: it holds no scheduler state.
        for (SimThread thread : List.copyOf(threads)) {
            if (thread.state != State.DONE) {
                step(thread);
            }
        }
        threads.clear();
    }

    enum State { READY, RUNNING, BLOCKED, DONE }

    /** One simulated thread. Fields are touched only by whichever thread holds the baton, one at a time. */
    static final class SimThread {
        final int id;
        final Owner owner;
        final String name;
        Thread real;
        private volatile boolean baton;
        /** An interrupt that came while parked, kept here so that parking does not spin on the flag. */
        private volatile boolean interruptSeen;
        volatile State state = State.READY;
        BooleanSupplier ready = () -> true;
        long deadline = Long.MAX_VALUE;
        boolean disposed;
        /** The threads this one started, for telling whether anything it started can still complete its waits. */
        final List<SimThread> started = new ArrayList<>();
        /** A request thread, whose only wait is for the outcome its own worker owes it. */
        boolean awaitsItsWorker;
        /** The simulated thread that started this one, if one did (the world's own threads have none). */
        SimThread parent;
        /** A port call of this thread failed or lost its answer: what it left undone may be a fault's doing. */
        boolean heardPortFailure;

        SimThread(int id, Owner owner, String name) {
            this.id = id;
            this.owner = owner;
            this.name = name;
        }

        boolean done() {
            return state == State.DONE;
        }

        /** Whether a thread it started is still running (or yet to run). */
        boolean startedOneStillRunning() {
            return started.stream().anyMatch(thread -> !thread.done());
        }

        /** Interrupted (by whoever held the baton) since it last ran: seen the same way however the park went. */
        boolean interrupted() {
            return interruptSeen || real.isInterrupted();
        }

        void giveBaton() {
            baton = true;
            LockSupport.unpark(real);
        }

        /** Parks until the baton comes; an interrupt meanwhile is kept and set again before going on. */
        void awaitBaton() {
            while (!baton) {
                if (Thread.currentThread().isInterrupted()) {
                    interruptSeen = true;
                    Thread.interrupted();
                }
                LockSupport.park(this);
            }
            baton = false;
            if (interruptSeen) {
                interruptSeen = false;
                Thread.currentThread().interrupt();
            }
        }

        /** Its process crashed or the world was disposed: every scheduling point and port call throws. */
        boolean dead() {
            return disposed || owner.killed();
        }
    }

    /** Thrown into every thread of a crashed process; an Error, so no {@code catch (RuntimeException)} stops it. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("process crashed", null, false, false);
        }
    }

    /** The simulation itself could not go on (a thread blocked outside it, an uncaught exception, a livelock). */
    static final class SimulationFailure extends RuntimeException {
        SimulationFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static long nanos(Duration duration) {
        return duration.toNanos();
    }
}
