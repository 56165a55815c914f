package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.MessageOutcome.NewerMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.ReleaseOutcome;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The holder's loop for one conversation (SPEC steps 5 to 8, DESIGN "The worker loop"): consolidate, answer the
 * pending burst, discard a stale answer and go again, store a fresh one under the fence, deliver it, and release
 * only when nothing is pending. Runs until the lock is released or lost; never sends without a fenced write.
 */
public final class ConversationWorker {
    private static final System.Logger LOG = System.getLogger(ConversationWorker.class.getName());

    private final LockPort locks;
    private final StatePort state;
    private final HistoryPort history;
    private final PancakePort pancake;
    private final GuardedAiCall aiCall;
    private final QuietWindow quietWindow;
    private final OutcomeWaiters waiters;
    private final OrchestratorSettings settings;
    private final Clock clock;

    ConversationWorker(LockPort locks, StatePort state, HistoryPort history, PancakePort pancake,
                       GuardedAiCall aiCall, OutcomeWaiters waiters, OrchestratorSettings settings, Clock clock) {
        this.locks = locks;
        this.state = state;
        this.history = history;
        this.pancake = pancake;
        this.aiCall = aiCall;
        this.quietWindow = new QuietWindow(state, settings.consolidationWindow(), settings.consolidationMaxWait());
        this.waiters = waiters;
        this.settings = settings;
        this.clock = clock;
    }

    /** What one pass of the loop decided. */
    private enum Next { CONTINUE, STOP }

    /** Works the conversation under {@code lease} until nothing is pending; the lease is released or lost after. */
    public void run(Lease lease) {
        ConversationId conversation = lease.conversationId();
        try {
            while (pass(lease) == Next.CONTINUE) {
                // Each pass ends with a fresh look at pending messages, so the loop ends only on release.
            }
        } catch (InterruptedException shutdown) {
            Thread.currentThread().interrupt();
            stopWith(lease, "shutting down", true);
        } catch (StoreUnavailableException unreachable) {
            LOG.log(Level.WARNING, "conversation={0} store unavailable: {1}", conversation, unreachable.getMessage());
            stopWith(lease, "storage unavailable: " + unreachable.getMessage(), true);
        } catch (RuntimeException bug) {
            LOG.log(Level.ERROR, "conversation=" + conversation + " worker failed", bug);
            stopWith(lease, "internal error", false);
        }
    }

    private Next pass(Lease lease) throws InterruptedException {
        ConversationId conversation = lease.conversationId();
        // A full lease for every pass: the previous one may have spent most of it delivering with retries, and the
        // quiet window below does not renew.
        if (!locks.renew(lease, settings.lockTtl())) {
            // Whoever holds it now answers what is pending, our callers' messages included.
            waiters.completeAll(conversation, MessageOutcome.Locked::new);
            return Next.STOP;
        }
        quietWindow.await(conversation);
        List<InboundMessage> batch = unansweredPending(lease);
        if (batch.isEmpty()) {
            return release(lease);
        }
        // Everything pending now, including what a full batch left out: only ids beyond these make an answer stale.
        Set<MessageId> known = state.pendingIds(conversation);
        ConversationContext context = new ConversationContext(conversation,
                history.recentTurns(conversation, settings.contextTurns()), batch);
        AiCallResult result = aiCall.call(lease, context, known);
        return switch (result) {
            case AiCallResult.LeaseLost lost -> lostLease(conversation, batch);
            case AiCallResult.Failed failed -> aiFailed(lease, batch, failed.reason());
            case AiCallResult.CancelledByNewerMessage cancelled -> restart(lease, batch, known, Optional.empty());
            case AiCallResult.Answered answered -> answer(lease, batch, known, answered.reply());
        };
    }

    /** Pending messages, minus any that a stored answer already consumed (a crash between commit and removal). */
    private List<InboundMessage> unansweredPending(Lease lease) {
        ConversationId conversation = lease.conversationId();
        List<InboundMessage> pending = state.pending(conversation, settings.maxBatchSize());
        Set<MessageId> answered = history.answeredAmong(conversation, ids(pending));
        if (answered.isEmpty()) {
            return pending;
        }
        state.removePending(lease, answered);
        waiters.complete(conversation, answered,
                id -> new MessageOutcome.Duplicate(id, history.answerFor(conversation, id)));
        return pending.stream().filter(m -> !answered.contains(m.id())).toList();
    }

    private Next answer(Lease lease, List<InboundMessage> batch, Set<MessageId> known, AiReply reply) {
        if (!newerThan(lease.conversationId(), known).isEmpty()) {
            return restart(lease, batch, known, Optional.of(reply));
        }
        AiRun run = run(lease, batch, reply);
        FencedWrite write = history.recordAnswer(run, run.finishedAt());
        if (write instanceof FencedWrite.Refused refused) {
            return refusedWrite(lease, batch, refused.reason());
        }
        // Removal fails only if the lease was lost after the commit; the answer stands (it was fenced), and the
        // next holder will see its messages as answered and drop them.
        boolean stillHolder = state.removePending(lease, ids(batch));
        DeliveryReport report = pancake.deliver(new Delivery(lease.conversationId(), run.id(), lease.fencingToken(), reply, run.finishedAt()));
        waiters.complete(lease.conversationId(), ids(batch),
                id -> new MessageOutcome.Completed(id, reply, report, batch.size()));
        LOG.log(Level.INFO, "conversation={0} run={1} answered={2} delivered={3}/{4}", lease.conversationId(),
                run.id(), batch.size(), report.delivered(), report.actions().size());
        return stillHolder ? release(lease) : Next.STOP;
    }

    /** Invariant 4: the answer is recorded as discarded, never sent; the loop answers all pending messages again. */
    private Next restart(Lease lease, List<InboundMessage> batch, Set<MessageId> known, Optional<AiReply> discarded) {
        ConversationId conversation = lease.conversationId();
        if (discarded.isPresent()) {
            FencedWrite write = history.recordDiscarded(run(lease, batch, discarded.get()));
            if (write instanceof FencedWrite.Refused refused) {
                return refusedWrite(lease, batch, refused.reason());
            }
        }
        List<NewerMessage> newer = newerThan(conversation, known);
        waiters.complete(conversation, ids(batch), id -> new MessageOutcome.RestartNeeded(id, newer, discarded));
        LOG.log(Level.INFO, "conversation={0} stale answer discarded, {1} newer message(s)", conversation, newer.size());
        return Next.CONTINUE;
    }

    private Next refusedWrite(Lease lease, List<InboundMessage> batch, FencedWrite.Reason reason) {
        if (reason == FencedWrite.Reason.ALREADY_ANSWERED) {
            // Another holder answered part of this burst while we were paused; re-read and answer what is left.
            return Next.CONTINUE;
        }
        LOG.log(Level.WARNING, "conversation={0} superseded by a newer holder; nothing written or sent",
                lease.conversationId());
        return lostLease(lease.conversationId(), batch);
    }

    /** Another holder has (or will have) the conversation: our callers' messages are in its hands now. */
    private Next lostLease(ConversationId conversation, List<InboundMessage> batch) {
        waiters.complete(conversation, ids(batch), MessageOutcome.Locked::new);
        return Next.STOP;
    }

    /** The burst stays pending for a later holder (a retried request or the sweeper); the lock is let go. */
    private Next aiFailed(Lease lease, List<InboundMessage> batch, String reason) {
        LOG.log(Level.WARNING, "conversation={0} AI failed: {1}; {2} message(s) stay pending",
                lease.conversationId(), reason, batch.size());
        stopWith(lease, "ai_unavailable: " + reason, true);
        return Next.STOP;
    }

    private Next release(Lease lease) {
        ReleaseOutcome outcome = locks.releaseIfNoPending(lease);
        return outcome == ReleaseOutcome.PENDING_REMAIN ? Next.CONTINUE : Next.STOP;
    }

    /** Lets the lock go first, so a caller told to retry finds the conversation free. */
    private void stopWith(Lease lease, String reason, boolean retryable) {
        try {
            locks.release(lease);
        } catch (RuntimeException unreachable) {
            // The lease expires by itself; nothing else can be done from here.
            LOG.log(Level.WARNING, "conversation={0} release failed: {1}", lease.conversationId(), unreachable.getMessage());
        }
        waiters.completeAll(lease.conversationId(), id -> new MessageOutcome.Failed(id, reason, retryable));
    }

    /** Messages that joined the pending set after {@code known} was read: they make the answer stale. */
    private List<NewerMessage> newerThan(ConversationId conversation, Set<MessageId> known) {
        if (known.containsAll(state.pendingIds(conversation))) {
            return List.of();
        }
        return state.pending(conversation, Integer.MAX_VALUE).stream()
                .filter(m -> !known.contains(m.id()))
                .map(m -> new NewerMessage(m.id(), m.timestamp()))
                .toList();
    }

    private AiRun run(Lease lease, List<InboundMessage> batch, AiReply reply) {
        return new AiRun(RunId.random(), lease.conversationId(), lease.fencingToken(),
                batch.stream().map(InboundMessage::id).toList(), reply, clock.instant());
    }

    private static Set<MessageId> ids(List<InboundMessage> messages) {
        return messages.stream().map(InboundMessage::id).collect(Collectors.toSet());
    }
}
