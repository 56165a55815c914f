package chat.orchestrator.core.usecase;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.MessageOutcome.NewerMessage;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.domain.TimestampOrder;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.LifecycleEvents.AiCallEnd;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.ReleaseOutcome;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The holder's loop for one conversation (docs/design.md, "The life of one message", steps 4 to 8;
 * docs/architecture.md, "The worker loop"): consolidate, raise the fence, snapshot the pending burst, answer it,
 * discard a stale answer and go again, store a fresh one under the fence, deliver it through the outbox, and release
 * only when nothing is pending. Runs until the lock is released or lost; never sends without a fenced write.
 */
public final class ConversationWorker {
    private static final System.Logger LOG = System.getLogger(ConversationWorker.class.getName());

    private final LockPort locks;
    private final StatePort state;
    private final HistoryPort history;
    private final OutboxDispatcher outbox;
    private final GuardedAiCall aiCall;
    private final Handoffs handoffs;
    private final QuietWindow quietWindow;
    private final OrchestratorSettings settings;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LifecycleEvents events;

    ConversationWorker(LockPort locks, StatePort state, HistoryPort history, OutboxDispatcher outbox,
                       GuardedAiCall aiCall, Handoffs handoffs, OrchestratorSettings settings, Scheduler scheduler,
                       LifecycleEvents events) {
        this.locks = locks;
        this.state = state;
        this.history = history;
        this.outbox = outbox;
        this.aiCall = aiCall;
        this.handoffs = handoffs;
        this.quietWindow = new QuietWindow(state, scheduler, settings.consolidationWindow(), settings.consolidationMaxWait());
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = scheduler.clock();
        this.events = events;
    }

    /** What one pass of the loop decided: go on under this lease (perhaps a new one), or stop. */
    private sealed interface Next {
        record Continue(Lease lease) implements Next {
        }

        record Stop() implements Next {
        }
    }

    private static final Next STOP = new Next.Stop();

    /**
     * Works the conversation under {@code lease} until nothing is pending; the lease is released or lost after.
     * {@code caller}, when present, is told the outcome covering its message, and always gets one.
     */
    void run(Lease lease, Optional<WaitingCaller> caller) {
        run(lease, OptionalLong.empty(), caller);
    }

    /**
     * As {@link #run(Lease, Optional)}, for a lease granted after {@code acquiredAt} (the {@link Scheduler}'s nano
     * time): while it is fresh, the first pass does not renew it.
     */
    void run(Lease lease, OptionalLong acquiredAt, Optional<WaitingCaller> caller) {
        ConversationId conversation = lease.conversationId();
        Lease current = lease;
        long started = scheduler.nanoTime();
        events.workerStarted(conversation);
        try {
            Next next = pass(current, acquiredAt, caller);
            while (next instanceof Next.Continue(Lease renewed)) {
                current = renewed;
                next = pass(current, OptionalLong.empty(), caller);
            }
            // The caller's message joined another holder's burst between its accept and our lock, and that holder
            // answered it: as for any caller who found the conversation held, it is in another worker's hands.
            WaitingCaller.completeIfWaiting(caller, MessageOutcome.Locked::new);
        } catch (InterruptedException shutdown) {
            Thread.currentThread().interrupt();
            stopWith(current, caller, "shutting down", true);
        } catch (StoreUnavailableException unreachable) {
            LOG.log(Level.WARNING, "conversation={0} store unavailable: {1}", conversation, unreachable.getMessage());
            stopWith(current, caller, "storage unavailable: " + unreachable.getMessage(), true);
        } catch (RuntimeException bug) {
            LOG.log(Level.ERROR, "conversation=" + conversation + " worker failed", bug);
            stopWith(current, caller, "internal error", false);
        } finally {
            events.workerStopped(conversation, Duration.ofNanos(scheduler.nanoTime() - started));
        }
    }

    private Next pass(Lease lease, OptionalLong acquiredAt, Optional<WaitingCaller> caller)
            throws InterruptedException {
        ConversationId conversation = lease.conversationId();
        // A full lease for every pass: the previous one may have spent most of it delivering, and the quiet window
        // below does not renew. A lease just granted is full already (see fresh).
        if (!fresh(acquiredAt) && !locks.renew(lease, settings.lockTtl())) {
            // Whoever holds it now answers what is pending, our caller's message included.
            WaitingCaller.completeIfWaiting(caller, MessageOutcome.Locked::new);
            return STOP;
        }
        quietWindow.await(conversation);
        // The pending burst first, then the fence, which rises to our token before history is read: a paused older
        // holder can no longer commit. With it, in one step, comes what the pass needs from history: what it holds
        // unanswered (a message the state store lost is answered in its burst; one that joined pending after the
        // snapshot was recorded before it, so it is there too), which of the burst an answer already consumed, the
        // stored hand-off and the turns for the AI.
        PendingSnapshot read = state.snapshot(conversation, settings.maxBatchSize());
        FenceRaised fence = history.raiseFence(conversation, lease.fencingToken(),
                new FenceRaised.Reads(ids(read.batch()), settings.maxBatchSize(), settings.contextTurns()));
        if (fence.write() instanceof FencedWrite.Refused refused) {
            return superseded(lease, List.of(), caller, refused);
        }
        List<InboundMessage> unanswered = fence.unanswered();
        if (!unanswered.stream().map(InboundMessage::id).collect(Collectors.toSet()).containsAll(read.bodiless())) {
            // A bodiless id not among history's unanswered: the read stopped at its limit, or it was answered.
            unanswered = history.unanswered(conversation, settings.maxBatchSize());
        }
        PendingSnapshot snapshot = withUnanswered(read, unanswered);
        List<InboundMessage> batch = unanswered(lease, snapshot.batch(), fence.answered(), caller);
        if (batch.isEmpty()) {
            return release(lease);
        }
        Optional<Handoff> handoff = handoffs.activeOf(fence.handoff());
        if (handoff.isPresent()) {
            return withPeople(lease, batch, caller, handoff.get());
        }
        // Everything pending at the snapshot, including what a full batch left out: only ids beyond these are newer.
        Set<MessageId> known = snapshot.ids();
        ConversationContext context = new ConversationContext(conversation, fence.recentTurns(), batch);
        long aiStarted = scheduler.nanoTime();
        AiCallResult result = aiCall.call(lease, context, known);
        told(conversation, result, Duration.ofNanos(scheduler.nanoTime() - aiStarted));
        return switch (result) {
            case AiCallResult.LeaseLost lost -> lostLease(batch, caller);
            case AiCallResult.Failed failed -> aiFailed(lease, batch, caller, failed.reason());
            case AiCallResult.Rejected rejected -> aiRejected(lease, batch, caller, rejected.reason());
            case AiCallResult.CancelledByNewerMessage cancelled -> restart(lease, batch, known, caller, Optional.empty());
            case AiCallResult.Answered answered -> answer(lease, batch, known, caller, answered);
        };
    }

    /**
     * Whether a lease granted after {@code acquiredAt} still has, once the quiet window has passed, more than two
     * thirds of its TTL: the AI call renews a third of the TTL after it starts, as a renewed lease would need. A
     * lease that was lost all the same (force-released) is caught by the fence or by the check after the AI.
     */
    private boolean fresh(OptionalLong acquiredAt) {
        if (acquiredAt.isEmpty()) {
            return false;
        }
        Duration age = Duration.ofNanos(scheduler.nanoTime() - acquiredAt.getAsLong());
        return age.plus(quietWindow.longest()).compareTo(settings.lockTtl().dividedBy(3)) < 0;
    }

    private void told(ConversationId conversation, AiCallResult result, Duration took) {
        switch (result) {
            case AiCallResult.Answered answered ->
                    events.aiCallEnded(conversation, AiCallEnd.ANSWERED, Optional.of(answered.reply().model()), took);
            case AiCallResult.Failed failed -> events.aiCallEnded(conversation, AiCallEnd.FAILED, Optional.empty(), took);
            case AiCallResult.Rejected rejected ->
                    events.aiCallEnded(conversation, AiCallEnd.REJECTED, Optional.empty(), took);
            case AiCallResult.CancelledByNewerMessage cancelled ->
                    events.aiCallEnded(conversation, AiCallEnd.CANCELLED, Optional.empty(), took);
            case AiCallResult.LeaseLost lost -> events.aiCallEnded(conversation, AiCallEnd.LEASE_LOST, Optional.empty(), took);
        }
    }

    /**
     * The snapshot with history's unanswered messages added: those the state store lost (a restart, a failover, an
     * evicted key or body) join the batch, in timestamp order, and count as known, so they do not make the answer
     * stale. A message recorded but not yet accepted joins too; its accept then finds it answered.
     */
    private PendingSnapshot withUnanswered(PendingSnapshot snapshot, List<InboundMessage> unanswered) {
        if (snapshot.ids().containsAll(unanswered.stream().map(InboundMessage::id).toList())) {
            return snapshot;
        }
        Map<MessageId, InboundMessage> merged = new LinkedHashMap<>();
        snapshot.batch().forEach(m -> merged.put(m.id(), m));
        unanswered.forEach(m -> merged.putIfAbsent(m.id(), m));
        Set<MessageId> ids = new HashSet<>(snapshot.ids());
        unanswered.forEach(m -> ids.add(m.id()));
        List<InboundMessage> batch = merged.values().stream().sorted(TimestampOrder.MESSAGES)
                .limit(settings.maxBatchSize()).toList();
        return new PendingSnapshot(batch, ids);
    }

    /**
     * The batch minus what a stored answer already consumed (a crash between commit and removal), as the fence's read
     * found it: only the state store's part of the batch can be answered, history's unanswered part is not.
     */
    private List<InboundMessage> unanswered(Lease lease, List<InboundMessage> pending, Set<MessageId> answeredAmongRead,
                                            Optional<WaitingCaller> caller) {
        ConversationId conversation = lease.conversationId();
        Set<MessageId> answered = pending.stream().map(InboundMessage::id).filter(answeredAmongRead::contains)
                .collect(Collectors.toSet());
        if (answered.isEmpty()) {
            return pending;
        }
        state.removePending(lease, answered);
        WaitingCaller.completeIfAmong(caller, answered,
                id -> new MessageOutcome.Duplicate(id, history.answerFor(conversation, id)));
        return pending.stream().filter(m -> !answered.contains(m.id())).toList();
    }

    private Next answer(Lease lease, List<InboundMessage> batch, Set<MessageId> known, Optional<WaitingCaller> caller,
                        AiCallResult.Answered answered) throws InterruptedException {
        AiReply reply = answered.reply();
        // By ids, read with the lease check after the AI: a newer message whose body the store lost has no body to
        // list, yet it makes this answer stale.
        if (!known.containsAll(answered.pendingIds())) {
            return restart(lease, batch, known, caller, Optional.of(reply));
        }
        AiRun run = run(lease, batch, reply);
        // The commit claims the answer for its holder too, when nothing older of the conversation waits.
        CommittedAnswer committed = history.commitAnswer(run, run.finishedAt().plus(settings.delivery().holderGrace()),
                Optional.of(settings.delivery().claimFor()));
        if (committed.write() instanceof FencedWrite.Refused refused) {
            return refusedWrite(lease, batch, caller, refused);
        }
        events.burstAnswered(lease.conversationId(), run.id(), batch.size());
        run.handoff().ifPresent(stored -> events.handedOff(lease.conversationId(), stored.by()));
        DeliveryReport report = outbox.deliverOwn(lease.conversationId(), run.id(), reply.actions(),
                committed.claim());
        // After delivery, in one step with the release check. Until then the answered ids stay pending under our
        // lock, which nobody else can take: a crash before this leaves them to the next holder, which drops them
        // as answered (history says so), as when the lease is lost after the commit. Before the caller is told, so
        // a caller whose next message follows at once finds the conversation free, not held by this pass.
        Next next = removeAnsweredAndRelease(lease, batch);
        WaitingCaller.completeIfAmong(caller, ids(batch),
                id -> new MessageOutcome.Completed(id, reply, report, batch.size()));
        LOG.log(Level.INFO, "conversation={0} run={1} answered={2} delivered={3}/{4}", lease.conversationId(),
                run.id(), batch.size(), report.delivered(), report.actions().size());
        return next;
    }

    /**
     * People have the conversation: the burst is stored as theirs under the fence (consumed, no answer, the idle clock
     * moved to now), no AI call is made and nothing is sent.
     */
    private Next withPeople(Lease lease, List<InboundMessage> batch, Optional<WaitingCaller> caller, Handoff handoff) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        FencedWrite write = history.recordHandedOff(lease.conversationId(), lease.fencingToken(), ids(batch), now);
        if (write instanceof FencedWrite.Refused refused) {
            return refusedWrite(lease, batch, caller, refused);
        }
        Next next = removeAnsweredAndRelease(lease, batch);
        Handoff touched = new Handoff(handoff.since(), handoff.by(), handoff.reason(), now);
        WaitingCaller.completeIfAmong(caller, ids(batch), id -> new MessageOutcome.HandedOff(id, touched));
        LOG.log(Level.INFO, "conversation={0} handed off ({1}): {2} message(s) recorded for people, not answered",
                lease.conversationId(), handoff.by().wireName(), batch.size());
        return next;
    }

    /**
     * Removes the stored burst from the pending set and lets the lock go if nothing else waits, in one step. It
     * fails if the lease was lost after the commit, or the state store just went away; the burst stands (it was
     * fenced) and the next holder drops its messages as answered. Unreachable, the lease is left to expire.
     */
    private Next removeAnsweredAndRelease(Lease lease, List<InboundMessage> batch) {
        try {
            ReleaseOutcome outcome = locks.removeAndReleaseIfNoPending(lease, ids(batch));
            return outcome == ReleaseOutcome.PENDING_REMAIN ? new Next.Continue(lease) : STOP;
        } catch (StoreUnavailableException unreachable) {
            LOG.log(Level.WARNING, "conversation={0} burst stored, pending not cleared ({1}); going on all the same",
                    lease.conversationId(), unreachable.getMessage());
            return STOP;
        }
    }

    /** Invariant 4: the answer is recorded as discarded, never sent; the loop answers all pending messages again. */
    private Next restart(Lease lease, List<InboundMessage> batch, Set<MessageId> known, Optional<WaitingCaller> caller,
                         Optional<AiReply> discarded) {
        ConversationId conversation = lease.conversationId();
        if (discarded.isPresent()) {
            FencedWrite write = history.recordDiscarded(run(lease, batch, discarded.get()));
            if (write instanceof FencedWrite.Refused refused) {
                return refusedWrite(lease, batch, caller, refused);
            }
            events.staleAnswerDiscarded(conversation);
        }
        List<NewerMessage> newer = newerThan(conversation, known);
        WaitingCaller.completeIfAmong(caller, ids(batch), id -> new MessageOutcome.RestartNeeded(id, newer, discarded));
        LOG.log(Level.INFO, "conversation={0} stale answer discarded, {1} newer message(s)", conversation, newer.size());
        return new Next.Continue(lease);
    }

    private Next refusedWrite(Lease lease, List<InboundMessage> batch, Optional<WaitingCaller> caller,
                              FencedWrite.Refused refused) {
        if (refused.reason() == FencedWrite.Reason.ALREADY_ANSWERED) {
            // Another holder answered part of this burst while we were paused; re-read and answer what is left.
            return new Next.Continue(lease);
        }
        if (refused.reason() == FencedWrite.Reason.NOT_HANDED_OFF) {
            // Handed back to the bot after this pass read the hand-off: the next pass answers the burst.
            return new Next.Continue(lease);
        }
        return superseded(lease, batch, caller, refused);
    }

    /**
     * History has seen a newer token than ours. Usually a newer holder has the conversation; but if the lock store
     * lost its counter and hands out lower tokens, every holder would be refused for ever. So the counter is lifted
     * above history's highest and the lock let go; if nobody else holds it, we take it again with a valid token.
     */
    private Next superseded(Lease lease, List<InboundMessage> batch, Optional<WaitingCaller> caller,
                            FencedWrite.Refused refused) {
        ConversationId conversation = lease.conversationId();
        refused.highestSeen().ifPresent(highest -> locks.raiseFencingFloor(conversation, highest));
        boolean wasOurs = locks.release(lease);
        Optional<Lease> again = wasOurs ? locks.tryAcquire(conversation, settings.lockTtl()) : Optional.empty();
        if (again.isPresent()) {
            LOG.log(Level.WARNING, "conversation={0} token {1} was below history''s highest {2}; lifted to {3}",
                    conversation, lease.fencingToken().value(), refused.highestSeen().map(t -> t.value()).orElse(0L),
                    again.get().fencingToken().value());
            return new Next.Continue(again.get());
        }
        LOG.log(Level.WARNING, "conversation={0} superseded by a newer holder; nothing written or sent", conversation);
        return lostLease(batch, caller);
    }

    /** Another holder has (or will have) the conversation: our caller's message is in its hands now. */
    private Next lostLease(List<InboundMessage> batch, Optional<WaitingCaller> caller) {
        WaitingCaller.completeIfAmong(caller, ids(batch), MessageOutcome.Locked::new);
        WaitingCaller.completeIfWaiting(caller, MessageOutcome.Locked::new);
        return STOP;
    }

    /** The burst stays pending for a later holder (a retried request or the sweeper); the lock is let go. */
    private Next aiFailed(Lease lease, List<InboundMessage> batch, Optional<WaitingCaller> caller, String reason) {
        LOG.log(Level.WARNING, "conversation={0} AI failed: {1}; {2} message(s) stay pending",
                lease.conversationId(), reason, batch.size());
        stopWith(lease, caller, "ai_unavailable: " + reason, true);
        return STOP;
    }

    /**
     * A misconfigured AI: the burst stays pending and recorded, unanswered (nothing is stored as an answer, nothing
     * sent); a new message or the sweeper's probe tries again, and once the AI accepts, the burst is answered.
     */
    private Next aiRejected(Lease lease, List<InboundMessage> batch, Optional<WaitingCaller> caller, String reason) {
        LOG.log(Level.ERROR, "conversation={0} AI refused the request: {1}; {2} message(s) stay pending unanswered",
                lease.conversationId(), reason, batch.size());
        releaseQuietly(lease);
        WaitingCaller.completeIfWaiting(caller, id -> new MessageOutcome.AiRejected(id, reason));
        return STOP;
    }

    private Next release(Lease lease) {
        ReleaseOutcome outcome = locks.releaseIfNoPending(lease);
        return outcome == ReleaseOutcome.PENDING_REMAIN ? new Next.Continue(lease) : STOP;
    }

    /** Lets the lock go first, so a caller told to retry finds the conversation free. */
    private void stopWith(Lease lease, Optional<WaitingCaller> caller, String reason, boolean retryable) {
        releaseQuietly(lease);
        WaitingCaller.completeIfWaiting(caller, id -> new MessageOutcome.Failed(id, reason, retryable));
    }

    private void releaseQuietly(Lease lease) {
        try {
            locks.release(lease);
        } catch (RuntimeException unreachable) {
            // The lease expires by itself; nothing else can be done from here.
            CaughtFailures.report(LOG, unreachable, "conversation={0} release failed", lease.conversationId());
        }
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
        // Microseconds, as stores keep them: the delivery's timestamp is the same bytes from any instance.
        return new AiRun(RunId.random(), lease.conversationId(), lease.fencingToken(),
                batch.stream().map(InboundMessage::id).toList(), reply, clock.instant().truncatedTo(ChronoUnit.MICROS),
                page(batch));
    }

    /** The page the burst came to, as its newest message that names one says (the customer wrote there last). */
    private static Optional<PageId> page(List<InboundMessage> batch) {
        return batch.stream().sorted(TimestampOrder.MESSAGES.reversed())
                .flatMap(m -> PageId.fromMetadata(m.metadata()).stream())
                .findFirst();
    }

    private static Set<MessageId> ids(List<InboundMessage> messages) {
        return messages.stream().map(InboundMessage::id).collect(Collectors.toSet());
    }
}
