package chat.orchestrator.core;

import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.usecase.AiRefusals;
import chat.orchestrator.core.usecase.CaughtFailures;
import chat.orchestrator.core.usecase.ConversationWorkers;
import chat.orchestrator.core.usecase.HandleMessage;
import chat.orchestrator.core.usecase.Handoffs;
import chat.orchestrator.core.usecase.OutboxDispatcher;
import chat.orchestrator.core.usecase.Sweeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The public entry point for embedding: give it the six ports and settings, then hand it each inbound message.
 * Workers run on threads of their own; every instance also sweeps for abandoned conversations and dispatches due
 * answers from the outbox, each on its own schedule, so a store that is down stops only the work that needs it. All
 * threads, waits and time come from one {@link Scheduler}: the JDK's in production, a simulation's in its tests.
 * {@link #close()} stops taking messages and lets running workers and sends finish.
 */
public final class Orchestrator implements MessageHandler, MessageSubmitter, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Orchestrator.class.getName());

    private final ExecutorService workers;
    private final HandleMessage handleMessage;
    private final Sweeper sweeper;
    private final OutboxDispatcher dispatcher;
    private final AiRefusals aiRefusals;
    private final Handoffs handoffs;
    private final Scheduler.Repeating sweeps;
    private final Scheduler.Repeating dispatches;
    private final Scheduler scheduler;
    private final Duration shutdownGrace;
    private final LifecycleEvents events;

    private Orchestrator(Builder builder) {
        this.scheduler = builder.scheduler;
        this.workers = scheduler.threadPerTask("conversation-worker");
        ConversationWorkers assembled = ConversationWorkers.assemble(builder.locks, builder.state, builder.history,
                builder.outbox, builder.ai, builder.pancake, workers, scheduler, builder.settings, builder.events);
        this.events = builder.events;
        this.handleMessage = assembled.handleMessage();
        this.sweeper = assembled.sweeper();
        this.dispatcher = assembled.dispatcher();
        this.aiRefusals = assembled.refusals();
        this.handoffs = assembled.handoffs();
        this.sweeps = schedule("sweeper", builder.settings.sweepInterval(), this::sweepQuietly);
        this.dispatches = schedule("outbox-dispatcher", builder.settings.delivery().dispatchInterval(),
                this::dispatchQuietly);
        this.shutdownGrace = builder.settings.lockTtl();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Handles one message and answers the outcome that covers it (docs/design.md, "The life of one message", steps
     * 2 to 8).
     */
    @Override
    public MessageOutcome handle(InboundMessage message) {
        return handleMessage.handle(message);
    }

    /**
     * Records and accepts the message and tries the lock, without waiting for the AI: for entry points that answer
     * at once (webhook ingress, the asynchronous API). A started worker goes on in the background.
     */
    @Override
    public Submission submit(InboundMessage message) {
        Submission submission = handleMessage.submit(message);
        LOG.log(System.Logger.Level.INFO, "conversation={0} message={1} submitted={2}", message.conversationId(),
                message.id(), switch (submission) {
                    case Submission.Started started -> "Started";
                    case Submission.Decided decided -> decided.outcome().getClass().getSimpleName();
                });
        events.messageSubmitted(message, submission);
        return submission;
    }

    /**
     * Looks once for conversations whose messages wait with no holder and starts their workers; the scheduled
     * sweeps call this every {@code sweepInterval}. Answers how many it started.
     */
    public int sweep() {
        return sweeper.sweepOnce();
    }

    /**
     * Claims the answers that are due in the outbox (failed earlier, or left by a holder that died) and starts
     * sending them; the scheduled dispatches call this every {@code dispatchInterval}. Answers how many it started.
     */
    public int dispatch() {
        return dispatcher.dispatchDue();
    }

    /** Whether the AI service refuses this instance's requests now (misconfigured), as admin health reports it. */
    public Optional<AiRefusals.Refusal> aiRefusal() {
        return aiRefusals.current();
    }

    /** Hand-offs to people, on this orchestrator's history, clock and idle timeout: for the admin API. */
    public Handoffs handoffs() {
        return handoffs;
    }

    /** Waits until the sends started by {@link #dispatch} have finished; false if they did not within {@code timeout}. */
    public boolean awaitDispatched(Duration timeout) throws InterruptedException {
        return dispatcher.awaitIdle(timeout);
    }

    private Scheduler.Repeating schedule(String name, Duration every, Runnable task) {
        return every.isZero() ? NEVER : scheduler.repeat(name, every, task);
    }

    /** A schedule turned off (interval zero): the embedder sweeps or dispatches by hand, if at all. */
    private static final Scheduler.Repeating NEVER = new Scheduler.Repeating() {
        @Override
        public void stop() {
        }

        @Override
        public boolean awaitStopped(Duration timeout) {
            return true;
        }
    };

    private void sweepQuietly() {
        try {
            sweeper.sweepOnce();
        } catch (RuntimeException unreachable) {
            // A store that is down now may be back at the next sweep; a scheduled task that throws is never rerun.
            CaughtFailures.report(LOG, unreachable, "sweep failed");
        }
    }

    private void dispatchQuietly() {
        try {
            dispatcher.dispatchDue();
        } catch (RuntimeException unreachable) {
            CaughtFailures.report(LOG, unreachable, "outbox dispatch failed");
        }
    }

    /**
     * Stops taking work, then waits up to one lock TTL for running workers and sends: workers are interrupted halfway
     * (a worker cut short leaves its burst pending and its lease to expire), sends have the whole time (a send cut
     * short leaves its answer due). Returns when background work has stopped or the time is up.
     */
    @Override
    public void close() {
        close(shutdownGrace);
    }

    /**
     * As {@link #close()}, waiting at most {@code grace} in all (a platform that kills the process after its own grace
     * period, such as Kubernetes' 30 s, needs the whole shutdown to fit in it).
     */
    public void close(Duration grace) {
        long deadline = scheduler.nanoTime() + grace.toNanos();
        dispatcher.sendUntil(deadline);
        sweeps.stop();
        dispatches.stop();
        awaitQuietly(sweeps, deadline);
        awaitQuietly(dispatches, deadline);
        workers.shutdown();
        try {
            // Workers get half the budget to finish; then they are interrupted, so that none commits an answer it
            // has no time left to send. A worker interrupted while sending lets that send run to the deadline, as
            // the dispatcher's sends do: the other half is theirs. A send cut short in public-API mode may have
            // reached Pancake, and the instance that sends it next would show it twice.
            long workersUntil = deadline - grace.toNanos() / 2;
            if (!workers.awaitTermination(remaining(workersUntil), TimeUnit.NANOSECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException interrupted) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        dispatcher.close(Duration.ofNanos(remaining(deadline)));
    }

    private long remaining(long deadline) {
        return Math.max(0, deadline - scheduler.nanoTime());
    }

    private void awaitQuietly(Scheduler.Repeating repeating, long deadline) {
        try {
            repeating.awaitStopped(Duration.ofNanos(remaining(deadline)));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Collects the ports and settings; every port is required. */
    public static final class Builder {
        private LockPort locks;
        private StatePort state;
        private HistoryPort history;
        private OutboxPort outbox;
        private AiPort ai;
        private PancakePort pancake;
        private OrchestratorSettings settings = OrchestratorSettings.defaults();
        private Scheduler scheduler = Scheduler.system();
        private LifecycleEvents events = LifecycleEvents.NONE;

        private Builder() {
        }

        public Builder locks(LockPort value) {
            this.locks = value;
            return this;
        }

        public Builder state(StatePort value) {
            this.state = value;
            return this;
        }

        public Builder history(HistoryPort value) {
            this.history = value;
            return this;
        }

        /** The outbox over the same store as the history: answers stored there are delivered from it. */
        public Builder outbox(OutboxPort value) {
            this.outbox = value;
            return this;
        }

        public Builder ai(AiPort value) {
            this.ai = value;
            return this;
        }

        public Builder pancake(PancakePort value) {
            this.pancake = value;
            return this;
        }

        public Builder settings(OrchestratorSettings value) {
            this.settings = value;
            return this;
        }

        /** Wall-clock time for the JDK's threads and sleeps: {@code scheduler(Scheduler.system(value))}. */
        public Builder clock(Clock value) {
            this.scheduler = Scheduler.system(Objects.requireNonNull(value, "clock is required"));
            return this;
        }

        /** Where time, threads and waits come from; the JDK's on the UTC clock by default. */
        public Builder scheduler(Scheduler value) {
            this.scheduler = value;
            return this;
        }

        /** Who is told of each step of the lifecycle (metrics, log context); nobody by default. */
        public Builder events(LifecycleEvents value) {
            this.events = value;
            return this;
        }

        public Orchestrator build() {
            Objects.requireNonNull(locks, "locks port is required");
            Objects.requireNonNull(state, "state port is required");
            Objects.requireNonNull(history, "history port is required");
            Objects.requireNonNull(outbox, "outbox port is required");
            Objects.requireNonNull(ai, "ai port is required");
            Objects.requireNonNull(pancake, "pancake port is required");
            Objects.requireNonNull(settings, "settings are required");
            Objects.requireNonNull(scheduler, "scheduler is required");
            Objects.requireNonNull(events, "events are required (LifecycleEvents.NONE for none)");
            return new Orchestrator(this);
        }
    }
}
