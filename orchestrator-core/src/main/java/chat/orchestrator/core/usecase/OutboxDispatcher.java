package chat.orchestrator.core.usecase;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.RunId;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * The outbox dispatcher (docs/design.md, "Delivery: the outbox"): every answer reaches Pancake through a claim on its
 * outbox entry, whether its holder sends it at once or any instance later. Only a conversation's oldest undelivered
 * answer is claimable, so answers go out one at a time and in commit order. A failed attempt stays due with backoff
 * until the delivery horizon; only then, or on a permanent refusal, does it stop. Each send runs on its own virtual
 * thread, so one slow or failing conversation never holds up another.
 */
public final class OutboxDispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OutboxDispatcher.class.getName());
    /** A holder delivers at most this many older answers of its conversation before leaving the rest to dispatchers. */
    private static final int HOLDER_BACKLOG_LIMIT = 10;
    /** How often {@link #awaitIdle} looks; only tests and shutdown wait for idle, so a poll costs nothing that matters. */
    private static final Duration IDLE_POLL = Duration.ofMillis(5);
    /** How long a cut send's adapter has to say what it had sent (an HTTP client aborts at once). */
    private static final Duration CUT_REPORT_WAIT = Duration.ofSeconds(1);

    private final OutboxPort outbox;
    private final PancakePort pancake;
    private final Scheduler scheduler;
    private final Clock clock;
    private final DeliverySettings settings;
    private final DeliveryBackoff backoff;
    private final Semaphore sendSlots;
    private final LifecycleEvents events;
    private final ExecutorService sends;
    private volatile boolean shuttingDown;
    private volatile long sendDeadline;

    OutboxDispatcher(OutboxPort outbox, PancakePort pancake, Scheduler scheduler, DeliverySettings settings,
                     LifecycleEvents events) {
        this.outbox = outbox;
        this.pancake = pancake;
        this.scheduler = scheduler;
        this.clock = scheduler.clock();
        this.sends = scheduler.threadPerTask("outbox-send");
        this.settings = settings;
        this.backoff = new DeliveryBackoff(settings, scheduler::random);
        this.sendSlots = new Semaphore(settings.maxConcurrentSends());
        this.events = events;
    }

    /**
     * Claims due answers for the free send slots and starts sending them; returns how many it started without
     * waiting for them (see {@link #awaitIdle}).
     */
    public int dispatchDue() {
        int free = sendSlots.availablePermits();
        if (free == 0) {
            return 0;
        }
        List<ClaimedDelivery> claimed = outbox.claimDue(settings.claimFor(), free);
        int started = 0;
        for (ClaimedDelivery claim : claimed) {
            if (!sendSlots.tryAcquire()) {
                // Cannot happen while this is the only caller taking slots; the claim runs out and is taken again.
                break;
            }
            try {
                sends.execute(() -> sendAndRelease(claim));
                started++;
            } catch (RejectedExecutionException closing) {
                sendSlots.release();
                break;
            }
        }
        return started;
    }

    private void sendAndRelease(ClaimedDelivery claim) {
        try {
            attempt(claim);
        } catch (InterruptedException shutdown) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException unreachable) {
            // The store failed while recording: the claim runs out and the answer is due again.
            CaughtFailures.report(LOG, unreachable, "conversation={0} run={1} delivery not recorded",
                    claim.delivery().conversationId(), claim.runId());
        } finally {
            sendSlots.release();
        }
    }

    /** Waits until no send started by {@link #dispatchDue} is running (every slot free again); false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = scheduler.nanoTime() + timeout.toNanos();
        while (sendSlots.availablePermits() < settings.maxConcurrentSends()) {
            if (scheduler.nanoTime() - deadline >= 0) {
                return false;
            }
            scheduler.sleep(IDLE_POLL);
        }
        return true;
    }

    /**
     * The holder's delivery of its own answer: first the conversation's older undelivered answers, in order, then
     * its own, each through a claim. Returns how its own answer fared; when an older one cannot go out now (it
     * failed, backs off, or another instance is sending it), the own answer stays queued behind it for the
     * dispatchers and is reported PENDING.
     */
    public DeliveryReport deliverOwn(ConversationId conversation, RunId own, List<Action> actions)
            throws InterruptedException {
        return deliverOwn(conversation, own, actions, Optional.empty());
    }

    /**
     * {@link #deliverOwn(ConversationId, RunId, List)}, with the claim the holder's commit made when nothing older of
     * the conversation was waiting ({@code HistoryPort#commitAnswer}): then the answer goes out at once, with no
     * claim of its own; without one, through the backlog's claims.
     */
    public DeliveryReport deliverOwn(ConversationId conversation, RunId own, List<Action> actions,
                                     Optional<ClaimedDelivery> claimed) throws InterruptedException {
        if (claimed.isPresent()) {
            return attempt(claimed.get()).report();
        }
        for (int delivered = 0; delivered <= HOLDER_BACKLOG_LIMIT; delivered++) {
            Optional<ClaimedDelivery> next = outbox.claimNext(conversation, settings.claimFor());
            if (next.isEmpty()) {
                return pending(actions, "queued: an earlier answer of this conversation is being delivered or backing off");
            }
            DeliveryAttempt attempt = attempt(next.get());
            if (next.get().runId().equals(own)) {
                return attempt.report();
            }
            if (attempt.state() == DeliveryState.PENDING) {
                return pending(actions, "queued behind an earlier answer that is not delivered yet");
            }
        }
        return pending(actions, "queued behind earlier answers");
    }

    /** Sends one claimed answer, renewing the claim while the send runs, and records how it went. */
    DeliveryAttempt attempt(ClaimedDelivery claim) throws InterruptedException {
        DeliveryReport report;
        boolean cutShort = false;
        try {
            report = sendRenewing(claim);
        } catch (CutShort cut) {
            cutShort = true;
            report = cut.report;
        }
        // Shutdown may have interrupted this thread while the send went on in its own: the report is then complete
        // and recorded as any other; the interrupt is passed on once it is.
        boolean interrupted = Thread.interrupted() || cutShort;
        Instant now = clock.instant();
        DeliveryAttempt attempt = cutShort
                ? new DeliveryAttempt(report.withUndelivered(DeliveryReport.Status.PENDING), DeliveryState.PENDING, now,
                        now, false)
                : decide(claim, report, now);
        OutboxPort.Recorded recorded;
        try {
            recorded = outbox.recordAttempt(claim, attempt);
            if (recorded == OutboxPort.Recorded.LOST) {
                LOG.log(Level.WARNING, "conversation={0} run={1} claim ran out during the send; another claimer has it",
                        claim.delivery().conversationId(), claim.runId());
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        log(claim, attempt);
        events.deliveryAttempted(claim.delivery().conversationId(), claim.runId(), attempt.state());
        if (recorded == OutboxPort.Recorded.HANDOFF_LIFTED) {
            // Otherwise silent: every later message would go to people who were never told of the conversation.
            LOG.log(Level.WARNING, "conversation={0} run={1} transfer to people ended {2} without reaching Pancake: "
                            + "hand-off lifted, the bot answers the conversation again", claim.delivery().conversationId(),
                    claim.runId(), attempt.state());
            events.handoffLifted(claim.delivery().conversationId(), claim.runId(), attempt.state());
        }
        if (interrupted) {
            throw new InterruptedException("delivery interrupted");
        }
        return attempt;
    }

    /**
     * Sends on a thread of its own, renewing the claim meanwhile. An interrupt cuts the send short, except during a
     * shutdown ({@link #sendUntil}): then the send goes on until the shutdown's deadline, since in public-API mode a
     * request cut short may have reached Pancake, and whoever sends next would repeat it with no key to tell.
     */
    private DeliveryReport sendRenewing(ClaimedDelivery claim) throws CutShort {
        // Its own thread, not the dispatch executor: a holder delivering during shutdown still needs one. The
        // adapter's report also reaches `reported` when the send is cut, so what it did send is not forgotten.
        CompletableFuture<DeliveryReport> reported = new CompletableFuture<>();
        Future<DeliveryReport> send = scheduler.start("pancake-send-" + claim.runId(), () -> {
            DeliveryReport report = pancake.deliver(claim.delivery());
            reported.complete(report);
            return report;
        });
        Duration renewEvery = settings.claimFor().dividedBy(3);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return scheduler.await(send, interrupted ? untilSendDeadline(renewEvery) : renewEvery);
                } catch (TimeoutException stillSending) {
                    if (interrupted && !beforeSendDeadline()) {
                        throw cut(claim, send, reported);
                    }
                    renewQuietly(claim);
                } catch (InterruptedException stop) {
                    if (!beforeSendDeadline()) {
                        interrupted = true;
                        throw cut(claim, send, reported);
                    }
                    interrupted = true;
                } catch (ExecutionException broken) {
                    // PancakePort promises a report for every failure; an adapter that throws is treated as a
                    // failure that may pass, so the answer backs off instead of blocking its conversation.
                    return pending(claim.delivery(), "delivery failed: " + broken.getCause());
                }
            }
        } finally {
            send.cancel(true);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Interrupts the send and takes the report its adapter gives on being interrupted: the actions it had delivered
     * stay delivered, and only the one whose request was under way (it may or may not have arrived) is sent again.
     * An adapter that gives none within a moment leaves the claim's delivered actions as they were.
     */
    private CutShort cut(ClaimedDelivery claim, Future<DeliveryReport> send, CompletableFuture<DeliveryReport> reported) {
        send.cancel(true);
        try {
            return new CutShort(scheduler.await(reported, CUT_REPORT_WAIT));
        } catch (InterruptedException | ExecutionException | TimeoutException none) {
            return new CutShort(pending(claim.delivery(), "interrupted (shutting down); due again at once"));
        }
    }

    /** A send cut short by an interrupt, with what is known of it. */
    private static final class CutShort extends Exception {
        final DeliveryReport report;

        CutShort(DeliveryReport report) {
            super("send cut short", null, false, false);
            this.report = report;
        }
    }

    /**
     * A renewal that fails (the store is unreachable for a moment) must not cut the send short: the request may be
     * arriving, and if the claim runs out meanwhile the next claimer resends it with the same key.
     */
    private void renewQuietly(ClaimedDelivery claim) {
        try {
            if (!outbox.renew(claim, settings.claimFor())) {
                LOG.log(Level.WARNING, "conversation={0} run={1} claim ran out during a slow send",
                        claim.delivery().conversationId(), claim.runId());
            }
        } catch (RuntimeException unreachable) {
            CaughtFailures.report(LOG, unreachable, "conversation={0} run={1} claim not renewed",
                    claim.delivery().conversationId(), claim.runId());
        }
    }

    private DeliveryAttempt decide(ClaimedDelivery claim, DeliveryReport report, Instant now) {
        if (report.allDelivered()) {
            return new DeliveryAttempt(report, DeliveryState.DELIVERED, now, now, true);
        }
        if (report.anyRejected()) {
            return new DeliveryAttempt(report, DeliveryState.REJECTED, now, now, true);
        }
        if (!now.isBefore(claim.queuedAt().plus(settings.maxAge()))) {
            return new DeliveryAttempt(report.withUndelivered(DeliveryReport.Status.DEAD_LETTER),
                    DeliveryState.DEAD_LETTER, now, now, true);
        }
        Duration wait = backoff.after(claim.attempts() + 1, report.retryAfter());
        return new DeliveryAttempt(report.withUndelivered(DeliveryReport.Status.PENDING), DeliveryState.PENDING,
                now.plus(wait), now, true);
    }

    private static void log(ClaimedDelivery claim, DeliveryAttempt attempt) {
        Level level = attempt.state() == DeliveryState.DELIVERED ? Level.DEBUG : Level.WARNING;
        LOG.log(level, "conversation={0} run={1} delivery attempt={2} state={3} next_attempt_at={4} error={5}",
                claim.delivery().conversationId(), claim.runId(), claim.attempts() + 1, attempt.state(),
                attempt.nextAttemptAt(), attempt.report().firstError());
    }

    /** Every action not delivered yet, for {@code why}: what a caller is told while its answer waits in the outbox. */
    static DeliveryReport pending(List<Action> actions, String why) {
        return new DeliveryReport(IntStream.range(0, actions.size())
                .mapToObj(i -> new ActionDelivery(i, actions.get(i).type(), DeliveryReport.Status.PENDING, 0, why))
                .toList());
    }

    /**
     * An attempt that tells nothing of what it sent (it threw, or was cut short): what earlier attempts delivered
     * stays DELIVERED, the rest is PENDING for {@code why}. Reporting those PENDING too would tell the caller the
     * customer lacks text it has, and an outbox that took the report at its word would have it sent again.
     */
    static DeliveryReport pending(Delivery delivery, String why) {
        List<Action> actions = delivery.actions();
        return new DeliveryReport(IntStream.range(0, actions.size())
                .mapToObj(i -> delivery.deliveredActions().contains(i)
                        ? new ActionDelivery(i, actions.get(i).type(), DeliveryReport.Status.DELIVERED, 0, "")
                        : new ActionDelivery(i, actions.get(i).type(), DeliveryReport.Status.PENDING, 0, why))
                .toList());
    }

    /**
     * A shutdown has begun: sends already under way may finish until {@code deadline} ({@link Scheduler#nanoTime}),
     * even if the threads waiting for them are interrupted first.
     */
    public void sendUntil(long deadline) {
        this.sendDeadline = deadline;
        this.shuttingDown = true;
    }

    private Duration untilSendDeadline(Duration atMost) {
        long left = Math.max(1, sendDeadline - scheduler.nanoTime());
        return left < atMost.toNanos() ? Duration.ofNanos(left) : atMost;
    }

    private boolean beforeSendDeadline() {
        return shuttingDown && scheduler.nanoTime() - sendDeadline < 0;
    }

    /** Stops starting sends and waits up to {@code grace} for running ones; a send cut short stays due. */
    public void close(Duration grace) {
        sends.shutdown();
        try {
            if (!sends.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                sends.shutdownNow();
                sends.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            sends.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(settings.claimFor());
    }
}
