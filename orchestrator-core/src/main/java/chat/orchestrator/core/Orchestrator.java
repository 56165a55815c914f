package chat.orchestrator.core;

import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.usecase.ConversationWorkers;
import chat.orchestrator.core.usecase.HandleMessage;
import chat.orchestrator.core.usecase.Sweeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The public entry point for embedding: give it the five ports and settings, then hand it each inbound message.
 * Workers run on virtual threads; {@link #close()} stops taking messages and lets running workers finish.
 */
public final class Orchestrator implements MessageHandler, MessageSubmitter, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Orchestrator.class.getName());

    private final ExecutorService workers;
    private final HandleMessage handleMessage;
    private final Sweeper sweeper;
    private final ScheduledExecutorService sweeps;
    private final Duration shutdownGrace;

    private Orchestrator(Builder builder) {
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("conversation-worker-", 0).factory());
        ConversationWorkers assembled = ConversationWorkers.assemble(builder.locks, builder.state, builder.history,
                builder.ai, builder.pancake, workers, builder.clock, builder.settings);
        this.handleMessage = assembled.handleMessage();
        this.sweeper = assembled.sweeper();
        this.sweeps = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sweeper").daemon().factory());
        Duration every = builder.settings.sweepInterval();
        if (!every.isZero()) {
            sweeps.scheduleWithFixedDelay(this::sweepQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
        this.shutdownGrace = builder.settings.lockTtl();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Handles one message and answers the outcome that covers it (SPEC lifecycle, steps 2 to 8). */
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
        return submission;
    }

    /**
     * Looks once for conversations whose messages wait with no holder and starts their workers; the scheduled
     * sweeps call this every {@code sweepInterval}. Answers how many it started.
     */
    public int sweep() {
        return sweeper.sweepOnce();
    }

    private void sweepQuietly() {
        try {
            sweeper.sweepOnce();
        } catch (RuntimeException unreachable) {
            // A store that is down now may be back at the next sweep; a scheduled task that throws is never rerun.
            LOG.log(System.Logger.Level.WARNING, "sweep failed: {0}", unreachable.getMessage());
        }
    }

    /** Stops taking work and waits up to one lock TTL for running workers; a worker cut short leaves its lease to expire. */
    @Override
    public void close() {
        sweeps.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Collects the ports and settings; every port is required. */
    public static final class Builder {
        private LockPort locks;
        private StatePort state;
        private HistoryPort history;
        private AiPort ai;
        private PancakePort pancake;
        private OrchestratorSettings settings = OrchestratorSettings.defaults();
        private Clock clock = Clock.systemUTC();

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

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Orchestrator build() {
            Objects.requireNonNull(locks, "locks port is required");
            Objects.requireNonNull(state, "state port is required");
            Objects.requireNonNull(history, "history port is required");
            Objects.requireNonNull(ai, "ai port is required");
            Objects.requireNonNull(pancake, "pancake port is required");
            Objects.requireNonNull(settings, "settings are required");
            Objects.requireNonNull(clock, "clock is required");
            return new Orchestrator(this);
        }
    }
}
