package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Handling one inbound message (docs/design.md, "The life of one message", steps 2 and 3, then waiting for the worker):
 * deduplicate, record durably, accept into the pending set, try the lock, and, as holder, start the worker and wait for
 * the outcome covering the message. Accepting before trying the lock is what makes the worker's release check
 * sufficient (docs/design.md, steps 3 and 8).
 */
public final class HandleMessage {
    private static final System.Logger LOG = System.getLogger(HandleMessage.class.getName());

    private final LockPort locks;
    private final StatePort state;
    private final HistoryPort history;
    private final ConversationWorker worker;
    private final ExecutorService executor;
    private final Scheduler scheduler;
    private final OrchestratorSettings settings;
    private final LifecycleEvents events;

    public HandleMessage(LockPort locks, StatePort state, HistoryPort history, ConversationWorker worker,
                         ExecutorService executor, Scheduler scheduler, OrchestratorSettings settings,
                         LifecycleEvents events) {
        this.locks = locks;
        this.state = state;
        this.history = history;
        this.worker = worker;
        this.executor = executor;
        this.scheduler = scheduler;
        this.settings = settings;
        this.events = events;
    }

    /** Handles the message and waits (bounded) for the outcome that covers it. */
    public MessageOutcome handle(InboundMessage message) {
        long started = scheduler.nanoTime();
        MessageOutcome outcome;
        try {
            outcome = switch (submit(message)) {
                case Submission.Decided decided -> decided.outcome();
                case Submission.Started running -> awaitOutcome(message, running.outcome());
            };
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            outcome = new MessageOutcome.Failed(message.id(), "interrupted while waiting for the answer", true);
        }
        LOG.log(Level.INFO, "conversation={0} message={1} outcome={2} duration_ms={3}", message.conversationId(),
                message.id(), outcome.getClass().getSimpleName(), (scheduler.nanoTime() - started) / 1_000_000);
        events.messageHandled(message, outcome);
        return outcome;
    }

    /** Records, accepts and tries the lock, then returns at once: for callers that answer before the AI does. */
    public Submission submit(InboundMessage message) {
        events.messageReceived(message);
        try {
            return decide(message);
        } catch (StoreUnavailableException unreachable) {
            return new Submission.Decided(
                    new MessageOutcome.Failed(message.id(), "storage unavailable: " + unreachable.getMessage(), true));
        }
    }

    private Submission decide(InboundMessage message) {
        ConversationId conversation = message.conversationId();
        if (history.record(message) == RecordOutcome.ANSWERED) {
            return new Submission.Decided(duplicate(message));
        }
        // Accept, then the lock attempt, in one step of the store: the message is pending before the lock is tried.
        // A redelivered id that was never answered (its AI call failed, or its holder died) is not lost: whoever
        // gets the lock answers it. One that is merely in someone's hands is a duplicate for this caller.
        long attempt = scheduler.nanoTime();
        Admission admission = locks.acceptAndTryAcquire(message, settings.lockTtl());
        boolean redelivered = admission.accept() == AcceptOutcome.ALREADY_SEEN;
        Optional<Lease> lease = admission.lease();
        events.lockAttempted(conversation, lease.isPresent(), Duration.ofNanos(scheduler.nanoTime() - attempt));
        if (lease.isEmpty()) {
            return new Submission.Decided(redelivered ? new MessageOutcome.Duplicate(message.id(), Optional.empty())
                    : new MessageOutcome.Locked(message.id()));
        }
        // The lease was granted after `attempt`: the worker's first pass can tell whether it is still fresh.
        OptionalLong acquiredAt = OptionalLong.of(attempt);
        if (redelivered && !state.pendingIds(conversation).contains(message.id())) {
            start(lease.get(), acquiredAt, Optional.empty());
            return new Submission.Decided(duplicate(message));
        }
        WaitingCaller caller = new WaitingCaller(message.id());
        if (!start(lease.get(), acquiredAt, Optional.of(caller))) {
            return new Submission.Decided(new MessageOutcome.Failed(message.id(), "shutting down", true));
        }
        return new Submission.Started(caller.outcome(), lease.get().fencingToken().value());
    }

    /** Starts the worker for a lease taken elsewhere (the sweeper); false if shutting down (the lease is let go). */
    boolean startWorker(Lease lease) {
        return start(lease, OptionalLong.empty(), Optional.empty());
    }

    private boolean start(Lease lease, OptionalLong acquiredAt, Optional<WaitingCaller> caller) {
        try {
            executor.execute(() -> worker.run(lease, acquiredAt, caller));
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            locks.release(lease);
            return false;
        }
    }

    private MessageOutcome awaitOutcome(InboundMessage message, CompletableFuture<MessageOutcome> outcome)
            throws InterruptedException {
        try {
            return scheduler.await(outcome, settings.answerWait());
        } catch (TimeoutException slow) {
            // Still being worked on by our own worker: the answer will be sent, just not to this caller.
            return new MessageOutcome.Locked(message.id());
        } catch (ExecutionException impossible) {
            throw new IllegalStateException("outcome futures are only completed normally", impossible);
        }
    }

    private MessageOutcome duplicate(InboundMessage message) {
        return new MessageOutcome.Duplicate(message.id(), history.answerFor(message.conversationId(), message.id()));
    }
}
