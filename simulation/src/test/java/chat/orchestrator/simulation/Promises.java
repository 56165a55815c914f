package chat.orchestrator.simulation;

import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobStatus;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.AiRefusals;
import chat.orchestrator.core.usecase.ChatJobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The promises beyond the protocol's invariants, judged from the same record: invariant 9, what each caller is told
 * is true of the world (an answer is the one committed for its message, a duplicate was seen before, a failure had a
 * fault behind it); invariant 10, every lifecycle event (what metrics and logs are made of) says what a port call did,
 * and every effect its caller heard is told once; invariant 11, in a calm world (no fault of any kind) every message is
 * answered, and every answer delivered, within a bound set by the settings, and no caller hears of a failure;
 * invariant 12, every caller is told: a sync caller is never left to wait out its wait once the worker it started has
 * ended, and a webhook caller told its worker started gets that worker's outcome, unless their process died;
 * invariant 13, the core has no bug: nothing it catches and logs as one, no caller told of a failure that is not
 * retryable; invariant 14, in a calm world a holder's snapshot follows a quiet window (see
 * {@link #quietBeforeSnapshot}); invariant 15, a shutdown returns within its grace and a few seconds' wind-down.
 */
final class Promises {
    /** How long a sweeper's pass may take between reading what waits and taking the lock, slow stores and all. */
    private static final Duration SWEEP_RACE = Duration.ofMinutes(1);

    private final World world;
    private final Checker checker;
    private final Conditions conditions;
    private final OrchestratorSettings settings;
    private final boolean calm;
    private final Duration longestAnswer;
    /** Per simulated thread: the events its heard effects still owe, in order. */
    private final Map<World.SimThread, List<String>> owed = new LinkedHashMap<>();
    private final Map<World.SimThread, Long> workersStarted = new LinkedHashMap<>();
    private final Map<World.SimThread, Object> lastTold = new LinkedHashMap<>();
    private final Map<World.SimThread, Long> lockTaken = new LinkedHashMap<>();
    private final Map<World.SimThread, Integer> received = new LinkedHashMap<>();
    /** Webhook callers whose outcome a worker owes, with the request thread that was told it started. */
    private final Map<World.SimThread, java.util.concurrent.CompletableFuture<MessageOutcome>> startedCallers =
            new LinkedHashMap<>();

    Promises(World world, Checker checker, Conditions conditions, OrchestratorSettings settings, boolean calm,
             Duration longestAnswer) {
        this.longestAnswer = longestAnswer;
        this.world = world;
        this.checker = checker;
        this.conditions = conditions;
        this.settings = settings;
        this.calm = calm;
    }

    private void broken(String promise, String what) {
        checker.broken(promise, what);
    }

    // ---- invariant 10: events ----

    /** A port call took effect and its caller heard the answer: the events it owes its listeners. */
    void heard(Class<?> port, String method, Object[] args, Object result) {
        World.SimThread thread = world.current();
        quietWindow(thread, port, method, args);
        leasesUsed(thread, port, method, args, result);
        if (OPERATORS_PORT_CALLS.contains(method)) {
            operatorsPortAnswers.put(thread, result);
        }
        if (port == HistoryPort.class) {
            switch (method) {
                case "recordAnswer", "commitAnswer" -> {
                    FencedWrite write = result instanceof CommittedAnswer committed ? committed.write()
                            : (FencedWrite) result;
                    if (write instanceof FencedWrite.Committed) {
                        AiRun run = (AiRun) args[0];
                        owe(thread, "burstAnswered " + run.conversationId() + " " + run.id() + " "
                                + run.messageIds().size());
                        run.handoff().ifPresent(h -> owe(thread, "handedOff " + run.conversationId() + " " + h.by()));
                    }
                }
                case "recordDiscarded" -> {
                    if (result instanceof FencedWrite.Committed) {
                        owe(thread, "staleAnswerDiscarded " + ((AiRun) args[0]).conversationId());
                    }
                }
                case "handOff" -> {
                    if ((Boolean) result) {
                        owe(thread, "handedOff " + args[0] + " " + ((Handoff) args[1]).by());
                    }
                }
                default -> {
                }
            }
        } else if (port == OutboxPort.class && method.equals("recordAttempt") && result != OutboxPort.Recorded.LOST) {
            ClaimedDelivery claim = (ClaimedDelivery) args[0];
            DeliveryState state = ((DeliveryAttempt) args[1]).state();
            owe(thread, "deliveryAttempted " + claim.delivery().conversationId() + " " + claim.runId() + " " + state);
            if (result == OutboxPort.Recorded.HANDOFF_LIFTED) {
                owe(thread, "handoffLifted " + claim.delivery().conversationId() + " " + claim.runId() + " " + state);
            }
        } else if (port == LockPort.class && (method.equals("tryAcquire") || method.equals("acceptAndTryAcquire"))
                && tellsLockAttempts(thread)) {
            // A request's or the sweeper's attempt is always told; a holder's retake after a refused write is not.
            @SuppressWarnings("unchecked")
            Optional<Lease> lease = result instanceof Admission admission ? admission.lease()
                    : (Optional<Lease>) result;
            Object conversation = args[0] instanceof InboundMessage message ? message.conversationId() : args[0];
            owe(thread, "lockAttempted " + conversation + " " + lease.isPresent());
            if (lease.isPresent()) {
                lockTaken.put(thread, world.now());
            }
        }
    }

    private static boolean tellsLockAttempts(World.SimThread thread) {
        return thread.name.startsWith("request-") || thread.name.endsWith("/sweeper");
    }

    private void owe(World.SimThread thread, String event) {
        owed.computeIfAbsent(thread, t -> new ArrayList<>()).add(event);
    }

    /** An event told on the current thread: it must be one its effects owe, in the order they took effect. */
    private void told(String event) {
        World.SimThread thread = world.current();
        List<String> due = owed.getOrDefault(thread, List.of());
        if (due.isEmpty() || !due.getFirst().equals(event)) {
            broken("10 (events tell what happened)", thread.name + " told \"" + event + "\" while its heard effects owe "
                    + due);
            return;
        }
        due.removeFirst();
    }

    /**
     * The listener one incarnation's orchestrator tells its lifecycle to; {@code refusal} reads that orchestrator's
     * AI refusal, which a refused call sets (counting on) and an answer clears, before its event is told.
     */
    LifecycleEvents events(java.util.function.Supplier<Optional<AiRefusals.Refusal>> refusal,
                           java.time.Clock clock) {
        long[] refusedInARow = {0};
        return new LifecycleEvents() {
            @Override
            public void messageReceived(InboundMessage message) {
                if (!world.current().name.startsWith("request-")) {
                    broken("10 (events tell what happened)", "message " + message.id() + " received on "
                            + world.current().name);
                }
                received.merge(world.current(), 1, Integer::sum);
            }

            @Override
            public void messageHandled(InboundMessage message, MessageOutcome outcome) {
                lastTold.put(world.current(), outcome);
            }

            @Override
            public void messageSubmitted(InboundMessage message, Submission submission) {
                lastTold.put(world.current(), submission);
            }

            @Override
            public void lockAttempted(ConversationId conversation, boolean acquired, Duration took) {
                if (took.isNegative() || took.toNanos() > world.now()) {
                    broken("10 (events tell what happened)", "a lock attempt on " + conversation + " took " + took);
                }
                if (tellsLockAttempts(world.current())) {
                    told("lockAttempted " + conversation + " " + acquired);
                }
            }

            @Override
            public void workerStarted(ConversationId conversation) {
                startsUnderLease(world.current());
                workersStarted.put(world.current(), world.now());
            }

            @Override
            public void workerStopped(ConversationId conversation, Duration held) {
                letGo(conversation);
                Long started = workersStarted.remove(world.current());
                if (started == null || held.toNanos() != world.now() - started) {
                    broken("10 (events tell what happened)", "worker of " + conversation + " stopped after " + held
                            + ", started " + (started == null ? "never" : Duration.ofNanos(world.now() - started)
                            + " ago"));
                }
            }

            @Override
            public void aiCallEnded(ConversationId conversation, AiCallEnd end, Optional<String> model, Duration took) {
                told("aiCallEnded " + conversation);
                Long started = workersStarted.get(world.current());
                if (started == null || took.isNegative() || took.toNanos() > world.now() - started) {
                    broken("10 (events tell what happened)", "an AI call of " + conversation + " took " + took
                            + " in a worker " + (started == null ? "never started" : "started "
                            + Duration.ofNanos(world.now() - started) + " ago"));
                }
                if (model.isPresent() != (end == AiCallEnd.ANSWERED)
                        || model.filter(m -> !m.equals(SimulatedAi.MODEL)).isPresent()) {
                    broken("10 (events tell what happened)", "an AI call of " + conversation + " ended " + end
                            + " naming model " + model);
                }
                if (end == AiCallEnd.REJECTED && !conditions.aiHasRefused(world.now())) {
                    broken("10 (events tell what happened)", "an AI call of " + conversation + " told rejected by an AI"
                            + " that never refused");
                }
                if (calm && (end == AiCallEnd.LEASE_LOST || end == AiCallEnd.FAILED)) {
                    broken("11 (a calm world is prompt)", "an AI call of " + conversation + " ended " + end
                            + " after " + took + " with no fault anywhere");
                }
                Optional<AiRefusals.Refusal> now = refusal.get();
                if (end == AiCallEnd.REJECTED) {
                    long expected = refusedInARow[0] + 1;
                    boolean right = now.filter(r -> r.reason().equals(SimulatedAi.REFUSAL)
                            && r.lastAt().equals(clock.instant()) && !r.since().isAfter(r.lastAt())
                            && (refusedInARow[0] == 0 ? r.count() >= 1 : r.count() == expected)).isPresent();
                    if (!right) {
                        broken("9 (callers told the truth)", "after a refused AI call of " + conversation
                                + " the instance reports the refusal " + now + " (" + expected + " in a row?)");
                    }
                    refusedInARow[0] = now.map(AiRefusals.Refusal::count).orElse(0L);
                } else if (end == AiCallEnd.ANSWERED) {
                    if (now.isPresent()) {
                        broken("9 (callers told the truth)", "after an answer for " + conversation
                                + " the instance still reports the refusal " + now.get());
                    }
                    refusedInARow[0] = 0;
                } else {
                    // A lost lease may or may not follow an answer (which clears the refusal): count afresh.
                    refusedInARow[0] = 0;
                }
            }

            @Override
            public void burstAnswered(ConversationId conversation, RunId run, int messages) {
                told("burstAnswered " + conversation + " " + run + " " + messages);
            }

            @Override
            public void staleAnswerDiscarded(ConversationId conversation) {
                told("staleAnswerDiscarded " + conversation);
            }

            @Override
            public void deliveryAttempted(ConversationId conversation, RunId run, DeliveryState state) {
                told("deliveryAttempted " + conversation + " " + run + " " + state);
            }

            @Override
            public void handedOff(ConversationId conversation, Handoff.By by) {
                told("handedOff " + conversation + " " + by);
            }

            @Override
            public void handoffLifted(ConversationId conversation, RunId transfer, DeliveryState how) {
                told("handoffLifted " + conversation + " " + transfer + " " + how);
            }

            @Override
            public void conversationRecovered(ConversationId conversation) {
                recoveries.merge(world.current(), 1, Integer::sum);
                if (!world.current().name.endsWith("/sweeper")) {
                    broken("10 (events tell what happened)", conversation + " recovered by " + world.current().name);
                }
                // Recovered: something of it waited unanswered for a whole lock TTL by this instance's clock.
                long before = world.now() + Duration.between(world.instant(), clock.instant()).toNanos()
                        - settings.lockTtl().toNanos();
                boolean waited = checker.fates().stream().anyMatch(f -> f.message().conversationId().equals(conversation)
                        && f.recordedAt() >= 0 && f.recordedAt() < before
                        // A holder may have answered it while the sweeper put it back and took the lock.
                        && (f.consumedBy().isEmpty() || f.consumedAt() > world.now() - SWEEP_RACE.toNanos()));
                if (!waited) {
                    broken("10 (events tell what happened)", conversation + " recovered with nothing waiting a lock TTL");
                }
            }
        };
    }

    // ---- invariant 9: what the outbox records of an attempt ----

    /**
     * A delivery attempt was recorded: its state is what Pancake did (delivered means every action reached it,
     * rejected that it refused one), a dead letter is past the delivery horizon and only then, and a failed attempt
     * is due again after the documented backoff: exponential from the initial wait, capped, half of it jittered,
     * never sooner than Pancake's Retry-After (itself capped at ten minutes).
     */
    void attemptRecorded(ClaimedDelivery claim, DeliveryAttempt attempt) {
        RunId run = claim.runId();
        String what = "answer " + run + " recorded " + attempt.state() + " after attempt " + (claim.attempts() + 1);
        Set<Integer> sent = checker.outcome(run).map(Checker.Outcome::sent).orElse(Set.of());
        for (DeliveryReport.ActionDelivery action : attempt.report().actions()) {
            if (action.status() == DeliveryReport.Status.DELIVERED && !sent.contains(action.index())) {
                broken("9 (callers told the truth)", what + ": action " + action.index() + " reported delivered, "
                        + "never reached Pancake");
            }
        }
        java.time.Instant horizon = claim.queuedAt().plus(settings.delivery().maxAge());
        switch (attempt.state()) {
            case DELIVERED -> {
                if (sent.size() < claim.delivery().actions().size()) {
                    broken("9 (callers told the truth)", what + ", Pancake got actions " + sent + " of "
                            + claim.delivery().actions().size());
                }
            }
            case REJECTED -> {
                if (!conditions.rejected.contains(run)) {
                    broken("9 (callers told the truth)", what + ", Pancake never refused it");
                }
            }
            case DEAD_LETTER -> {
                if (attempt.at().isBefore(horizon)) {
                    broken("9 (callers told the truth)", what + " before its horizon " + horizon);
                }
            }
            case PENDING -> {
                if (!attempt.counted()) {
                    return;
                }
                if (!attempt.at().isBefore(horizon)) {
                    broken("9 (callers told the truth)", what + ", still due past its horizon " + horizon);
                }
                long initial = settings.delivery().initialBackoff().toMillis();
                long cap = settings.delivery().maxBackoff().toMillis();
                long exponential = Math.min(cap, initial << Math.min(30, claim.attempts()));
                long asked = attempt.report().retryAfter().map(Duration::toMillis)
                        .map(ms -> Math.min(ms, Duration.ofMinutes(10).toMillis())).orElse(0L);
                long wait = Duration.between(attempt.at(), attempt.nextAttemptAt()).toMillis();
                if (wait < Math.max(asked, exponential / 2) || wait > Math.max(asked, exponential)) {
                    broken("9 (callers told the truth)", what + " is due again in " + wait + " ms, not in ["
                            + Math.max(asked, exponential / 2) + ", " + Math.max(asked, exponential) + "]");
                }
            }
            default -> {
            }
        }
    }

    // ---- invariant 9: what callers are told ----

    /** Each message a caller hands in is told received once, before anything else of it. */
    private void receivedOnce(InboundMessage message) {
        Integer times = received.remove(world.current());
        if (times == null || times != 1) {
            broken("10 (events tell what happened)", message.id() + " told received " + (times == null ? 0 : times)
                    + " time(s) for one request");
        }
    }

    /** A synchronous caller was answered {@code outcome} for {@code message}, asked at {@code since}. */
    void answered(InboundMessage message, MessageOutcome outcome, long since) {
        receivedOnce(message);
        if (lastTold.remove(world.current()) != outcome) {
            broken("10 (events tell what happened)", message.id() + ": the caller's outcome " + name(outcome)
                    + " is not the one its event told");
        }
        judge(message, outcome, since);
    }

    /** A webhook caller's message was submitted: decided at once, or started in a worker whose outcome follows. */
    void submitted(InboundMessage message, Submission submission, long since) {
        receivedOnce(message);
        if (lastTold.remove(world.current()) != submission) {
            broken("10 (events tell what happened)", message.id() + ": the submission is not the one its event told");
        }
        switch (submission) {
            case Submission.Decided decided -> judge(message, decided.outcome(), since);
            case Submission.Started started -> {
                if (started.fencingToken() <= 0) {
                    broken("9 (callers told the truth)", message.id() + ": started under token "
                            + started.fencingToken());
                }
                // The worker's outcome for this caller, judged when it comes (on whichever thread completes it).
                Long taken = lockTaken.remove(world.current());
                int requester = world.current().id;
                startedCallers.put(world.current(), started.outcome());
                started.outcome().thenAccept(outcome -> judge(message, outcome, since, Optional.ofNullable(taken),
                        requester));
            }
        }
    }

    private void judge(InboundMessage message, MessageOutcome outcome, long since) {
        judge(message, outcome, since, Optional.ofNullable(lockTaken.remove(world.current())), world.current().id);
    }

    /** {@code requester}: the request thread that handed the message in (a worker may tell a webhook's outcome). */
    private void judge(InboundMessage message, MessageOutcome outcome, long since, Optional<Long> lockedAt,
                       int requester) {
        ConversationId conversation = message.conversationId();
        MessageId id = message.id();
        if (!outcome.messageId().equals(id)) {
            broken("9 (callers told the truth)", id + ": told the outcome of " + outcome.messageId());
            return;
        }
        Optional<Checker.Fate> fate = checker.fate(conversation, id);
        String what = conversation + "/" + id + " told " + name(outcome);
        switch (outcome) {
            case MessageOutcome.Completed completed -> {
                Optional<AiRun> run = fate.flatMap(Checker.Fate::answeredBy);
                if (run.isEmpty() || !run.get().reply().equals(completed.reply())
                        || run.get().messageIds().size() != completed.consolidatedMessages()) {
                    broken("9 (callers told the truth)", what + " with " + completed.consolidatedMessages()
                            + " message(s), but the answer committed for it is " + run.map(AiRun::id));
                } else {
                    reportMatches(what, run.get(), completed.delivery());
                }
            }
            case MessageOutcome.Duplicate duplicate -> {
                // Seen before: recorded by another request, accepted first by another (a retry overtook this one, or
                // the sweeper put it back), or answered in another's burst since this one recorded it.
                if (fate.isEmpty() || fate.get().recordedBy() == requester
                        && (fate.get().acceptedAt() < 0 || fate.get().acceptedBy() == requester)
                        && fate.get().consumedAt() < 0) {
                    broken("9 (callers told the truth)", what + ", first recorded and accepted by this very request,"
                            + " unanswered");
                }
                duplicate.earlierAnswer().ifPresent(earlier -> {
                    if (fate.flatMap(Checker.Fate::answeredBy).map(AiRun::reply).filter(earlier::equals).isEmpty()) {
                        broken("9 (callers told the truth)", what + " with an earlier answer that is not the one "
                                + "committed for it");
                    }
                });
            }
            case MessageOutcome.HandedOff handedOff -> {
                if (fate.filter(Checker.Fate::withPeople).isEmpty()) {
                    broken("9 (callers told the truth)", what + ", yet it is " + fate.flatMap(Checker.Fate::consumedBy)
                            .orElse("not consumed"));
                }
            }
            case MessageOutcome.RestartNeeded restart -> {
                // A newer message whose body the store lost is newer all the same, but cannot be listed.
                if (calm && restart.newerMessages().isEmpty() || restart.newerMessages().stream().anyMatch(newer ->
                        newer.messageId().equals(id) || checker.fate(conversation, newer.messageId()).isEmpty())) {
                    broken("9 (callers told the truth)", what + " naming newer messages "
                            + restart.newerMessages().stream().map(MessageOutcome.NewerMessage::messageId).toList());
                }
                restart.discarded().ifPresent(reply -> {
                    if (checker.answer(Checker.tag(reply.text())).filter(a -> a.burst().contains(id)).isEmpty()) {
                        broken("9 (callers told the truth)", what + " discarding an answer made for another burst");
                    }
                });
            }
            case MessageOutcome.Locked locked -> {
                if (fate.isEmpty()) {
                    broken("9 (callers told the truth)", what + ", yet it was never recorded");
                }
                Long taken = lockedAt.orElse(null);
                boolean waitedItOut = world.now() - since >= settings.answerWait().toNanos();
                if (calm && taken != null && taken >= since && !waitedItOut && fate.filter(f -> f.consumedAt() >= 0
                        && f.consumedAt() < taken).isEmpty()) {
                    broken("11 (a calm world is prompt)", what + " after its request took the lock itself");
                }
            }
            case MessageOutcome.AiRejected rejected -> {
                if (!conditions.aiHasRefused(world.now())) {
                    broken("9 (callers told the truth)", what + " by an AI that never refused");
                }
            }
            case MessageOutcome.Failed failed -> {
                // Every failure a port may cause is retryable; only the worker's own bug is not.
                if (!failed.retryable()) {
                    broken("13 (the core has no bug)", what + " (" + failed.reason() + ")");
                }
                if (calm) {
                    broken("11 (a calm world is prompt)", what + " (" + failed.reason() + ") in a world with no fault");
                }
            }
        }
    }

    private void reportMatches(String what, AiRun run, DeliveryReport report) {
        if (report.actions().size() != run.reply().actions().size()) {
            broken("9 (callers told the truth)", what + ": its report lists " + report.actions().size()
                    + " actions of " + run.reply().actions().size());
            return;
        }
        Checker.Outcome delivery = checker.outcome(run.id()).orElseThrow();
        for (DeliveryReport.ActionDelivery action : report.actions()) {
            if (action.status() == DeliveryReport.Status.DELIVERED && !delivery.sent().contains(action.index())) {
                broken("9 (callers told the truth)", what + ": action " + action.index()
                        + " reported delivered, never reached Pancake");
            }
        }
        if (calm && delivery.state() != DeliveryState.WITHHELD && report.delivered() != report.actions().size()) {
            broken("11 (a calm world is prompt)", what + ": " + report.delivered() + " of " + report.actions().size()
                    + " actions delivered with Pancake up");
        }
    }

    /** A chat job's request came back: its job must say how its messages were taken in. */
    void jobSubmitted(InboundMessage message, ChatJobs.Submitted submitted) {
        receivedOnce(message);
        lastTold.remove(world.current());
        boolean failed = submitted.start() == ChatJobs.Start.FAILED;
        boolean holder = submitted.start() == ChatJobs.Start.LOCK_ACQUIRED;
        if (submitted.failure().isEmpty() == failed || failed && submitted.job().status() != JobStatus.FAILED
                || holder != submitted.fencingToken().isPresent()
                || submitted.start() == ChatJobs.Start.ALREADY_ANSWERED
                && submitted.job().status() != JobStatus.COMPLETED) {
            broken("9 (callers told the truth)", "job " + submitted.job().id() + " started " + submitted.start()
                    + " under " + submitted.fencingToken() + " is " + submitted.job().status() + " with failure \""
                    + submitted.failure() + "\"");
        }
        if (calm && !submitted.failure().isEmpty()) {
            broken("11 (a calm world is prompt)", "job " + submitted.job().id() + " failed: " + submitted.failure());
        }
    }

    /** At quiescence, a job as any instance reads it: finished, with the answer committed for its last message. */
    void jobSettled(Job job, boolean cancelled) {
        if (cancelled && job.status() == JobStatus.CANCELLED) {
            return;
        }
        if (job.status() != JobStatus.COMPLETED) {
            if (calm || job.status() != JobStatus.FAILED) {
                broken("9 (callers told the truth)", "job " + job.id() + " of " + job.conversationId() + " ends "
                        + job.status() + " " + job.error() + " with all its messages consumed");
            }
            return;
        }
        Optional<Checker.Fate> last = checker.fate(job.conversationId(), job.messageIds().getLast());
        Optional<AiReply> expected = last.flatMap(Checker.Fate::answeredBy).map(AiRun::reply);
        // Completed for people, then given back to the bot when the transfer that took it reached no one: the job
        // keeps its first ending (a final status is never rewritten).
        boolean forPeopleFirst = job.reply().isEmpty() && last.filter(Checker.Fate::everWithPeople).isPresent();
        if (!expected.equals(job.reply()) && !forPeopleFirst) {
            broken("9 (callers told the truth)", "job " + job.id() + " completed with " + job.reply().map(
                    AiReply::text) + ", the answer committed for its messages is " + expected.map(AiReply::text));
        }
    }

    /**
     * At quiescence, what an operator reads on any instance: the outbox's figures and lists are the answers the record
     * saw end in each state, no conversation shows a holder, and a calm world is healthy with nothing stuck.
     */
    void administrationSettled(Administration administration, Optional<AiRefusals.Refusal> refusal,
                               Set<ConversationId> conversations) {
        Map<DeliveryState, Set<RunId>> ended = new java.util.EnumMap<>(DeliveryState.class);
        for (DeliveryState state : DeliveryState.values()) {
            ended.put(state, new java.util.HashSet<>());
        }
        checker.outcomes().forEach(o -> ended.get(o.state()).add(o.run().id()));
        Administration.DeliveryFigures figures = administration.deliveryFigures();
        Administration.DeliveryFigures expected = new Administration.DeliveryFigures(
                ended.get(DeliveryState.PENDING).size(), ended.get(DeliveryState.DEAD_LETTER).size(),
                ended.get(DeliveryState.REJECTED).size(), ended.get(DeliveryState.WITHHELD).size());
        if (!figures.equals(expected)) {
            broken("9 (callers told the truth)", "the outbox's figures say " + figures + ", the answers ended "
                    + expected);
        }
        for (DeliveryState state : List.of(DeliveryState.DEAD_LETTER, DeliveryState.REJECTED, DeliveryState.WITHHELD)) {
            Set<RunId> listed = administration.deliveries(state, 1_000).stream()
                    .peek(answer -> {
                        if (answer.state() != state) {
                            broken("9 (callers told the truth)", "answer " + answer.runId() + " listed as " + state
                                    + " says " + answer.state());
                        }
                    })
                    .map(chat.orchestrator.core.port.UndeliveredAnswer::runId)
                    .collect(java.util.stream.Collectors.toSet());
            if (!listed.equals(ended.get(state))) {
                broken("9 (callers told the truth)", "the " + state + " answers listed are " + listed + ", not "
                        + ended.get(state));
            }
        }
        Administration.ConversationListing listing = administration.conversations(0, 1_000);
        if (listing.total() != listing.conversations().size()
                || listing.conversations().stream().anyMatch(v -> v.processing()
                || !conversations.contains(v.state().conversationId()))) {
            broken("9 (callers told the truth)", "the conversations listed at rest: " + listing);
        }
        Administration.ConversationStats stats = administration.stats();
        if (stats.total() != listing.total() || stats.recent() + stats.old() != stats.total()
                || stats.activeProcessing() != 0) {
            broken("9 (callers told the truth)", "the stats at rest " + stats + " against " + listing.total()
                    + " conversation(s) listed");
        }
        Administration.SystemHealth health = administration.health();
        boolean needOperator = !ended.get(DeliveryState.DEAD_LETTER).isEmpty()
                || !ended.get(DeliveryState.REJECTED).isEmpty();
        if (!health.deliveries().equals(figures) || health.totalConversations() != listing.total()
                || health.activeAiTasks() != 0 || needOperator && health.status() != Administration.Status.DEGRADED
                || !health.aiRefusal().equals(refusal)) {
            broken("9 (callers told the truth)", "health at rest: " + health);
        }
        if (calm && (health.status() != Administration.Status.HEALTHY || refusal.isPresent())) {
            broken("11 (a calm world is prompt)", "a calm world at rest is not healthy: " + health);
        }
    }

    /**
     * An operator handed the conversation to people: told a hand-off, it is the one stored (a new one, or the one
     * already in force); told none, the conversation had no message recorded.
     */
    void handedOff(ConversationId conversation, Optional<Handoff> told, Optional<Handoff> stored) {
        boolean known = checker.fates().stream().anyMatch(f -> f.message().conversationId().equals(conversation));
        if (told.isPresent() ? !told.equals(stored) : known) {
            broken("9 (callers told the truth)", "an operator handing " + conversation + " to people was told " + told
                    + "; stored: " + stored + (known ? "" : ", no message of it recorded"));
        }
    }

    /** An operator gave the conversation back to the bot: told so, nothing hands it to people any longer. */
    void resumed(ConversationId conversation, boolean told, Optional<Handoff> stored) {
        boolean known = checker.fates().stream().anyMatch(f -> f.message().conversationId().equals(conversation));
        if (told ? stored.isPresent() : known) {
            broken("9 (callers told the truth)", "an operator resuming " + conversation + " was told " + told
                    + "; stored: " + stored + (known ? "" : ", no message of it recorded"));
        }
    }

    private static String name(MessageOutcome outcome) {
        return outcome.getClass().getSimpleName();
    }

    // ---- invariant 9: what operators are told ----

    /** The port calls whose answer an operator's call passes on as it is. */
    private static final Set<String> OPERATORS_PORT_CALLS = Set.of("forceRelease", "removeIdleConversations", "retry",
            "update");
    private final Map<World.SimThread, Object> operatorsPortAnswers = new LinkedHashMap<>();

    /** An operator's force release, cleanup or retry was told {@code told}: what its store's call answered. */
    void operatorTold(String call, Object told) {
        Object heard = operatorsPortAnswers.remove(world.current());
        // A call that found nothing to act on (a job already gone) made no store call and answers nothing.
        if (!told.equals(heard) && !(heard == null && told.equals(Optional.empty()))) {
            broken("9 (callers told the truth)", "an operator's " + call + " was told " + told + "; its store answered "
                    + heard);
        }
    }

    /**
     * A dispatch by hand answered how many sends it started, and then whether the instance's sends had all ended
     * within {@code wait}: the count is the sends this thread started, idle means they have all ended, and not idle
     * means the whole wait passed.
     */
    void dispatched(int started, boolean idle, long since, Duration wait) {
        World.SimThread thread = world.current();
        List<World.SimThread> sends = thread.started.stream().filter(t -> t.name.contains("/outbox-send-")).toList();
        if (started != sends.size()) {
            broken("9 (callers told the truth)", "a dispatch by hand was told " + started + " sends started; it started "
                    + sends.size());
        }
        if (idle && sends.stream().anyMatch(send -> !send.done())) {
            broken("9 (callers told the truth)", "a dispatch by hand was told its sends ended while one still runs");
        }
        if (!idle && world.now() - since < wait.toNanos()) {
            broken("9 (callers told the truth)", "a dispatch by hand was told its sends still run after "
                    + Duration.ofNanos(world.now() - since) + " of its " + wait);
        }
    }

    // ---- invariants 8 and 10: a worker lets its lease go and tells its AI calls ----

    /** The lock as the store holds it now, past the fault layer. */
    java.util.function.Function<ConversationId, Optional<chat.orchestrator.core.port.LockInfo>> lockOf =
            conversation -> Optional.empty();
    /** The owner tokens of the leases each thread has worked under. */
    private final Map<World.SimThread, Set<String>> leasesUsed = new LinkedHashMap<>();
    /** The lease each thread took last: a worker it starts next works under it. */
    private final Map<World.SimThread, String> lastTaken = new LinkedHashMap<>();

    private void leasesUsed(World.SimThread thread, Class<?> port, String method, Object[] args, Object result) {
        if (port != LockPort.class) {
            return;
        }
        if (args.length > 0 && args[0] instanceof Lease lease) {
            leasesUsed.computeIfAbsent(thread, t -> new java.util.HashSet<>()).add(lease.ownerToken());
        }
        Optional<?> taken = result instanceof Admission admission ? admission.lease()
                : result instanceof Optional<?> optional ? optional : Optional.empty();
        taken.filter(Lease.class::isInstance).map(Lease.class::cast).ifPresent(lease -> {
            leasesUsed.computeIfAbsent(thread, t -> new java.util.HashSet<>()).add(lease.ownerToken());
            lastTaken.put(thread, lease.ownerToken());
        });
    }

    /** A worker starts under the lease its starter (a request or the sweeper) took last. */
    private void startsUnderLease(World.SimThread worker) {
        Optional.ofNullable(worker.parent).map(lastTaken::get).ifPresent(owner ->
                leasesUsed.computeIfAbsent(worker, t -> new java.util.HashSet<>()).add(owner));
    }

    /** A worker's AI call began: the worker owes the event that tells how it ended. */
    void aiCalled(World.SimThread worker, ConversationId conversation) {
        owe(worker, "aiCallEnded " + conversation);
    }

    /**
     * A worker that stops has let its lease go, and told how each of its AI calls ended, unless its process died, a
     * port call of its failed (the release may be what failed) or it was interrupted (a shutdown cuts an AI call short
     * untold).
     */
    private void letGo(ConversationId conversation) {
        World.SimThread thread = world.current();
        Set<String> owners = leasesUsed.remove(thread);
        List<String> due = owed.getOrDefault(thread, new ArrayList<>());
        boolean untold = due.removeIf(event -> event.startsWith("aiCallEnded "));
        // A crash unwinds the worker through its finally: a dead process lets nothing go.
        if (thread.heardPortFailure || thread.dead()) {
            return;
        }
        if (untold && !Thread.currentThread().isInterrupted()) {
            broken("10 (events tell what happened)", thread.name + " stopped working " + conversation
                    + " without telling how an AI call ended");
        }
        if (owners != null) {
            lockOf.apply(conversation).filter(lock -> owners.contains(lock.ownerToken()))
                    .ifPresent(lock -> broken("8 (liveness)", world.current().name + " stopped working "
                            + conversation + " still holding its lease " + lock.fencingToken().value()));
        }
    }

    /** The recoveries each sweeper thread told. */
    private final Map<World.SimThread, Integer> recoveries = new LinkedHashMap<>();

    /**
     * A sweep by hand answered how many conversations it started a worker for: the workers its thread started, each
     * told recovered once.
     */
    void swept(int started) {
        World.SimThread thread = world.current();
        long workers = thread.started.stream().filter(t -> t.name.contains("/conversation-worker-")).count();
        int told = recoveries.getOrDefault(thread, 0);
        if (started != workers || told != workers) {
            broken("9 (callers told the truth)", "a sweep by hand was told it started " + started + " worker(s); it"
                    + " started " + workers + " and told " + told + " recovered");
        }
    }

    // ---- invariant 14: a burst is consolidated ----

    /**
     * The times of each thread's reads of what is pending since its last other port call: a holder's quiet window
     * is such a run of reads, ended by its snapshot.
     */
    private final Map<World.SimThread, List<Long>> pendingReads = new LinkedHashMap<>();

    private void quietWindow(World.SimThread thread, Class<?> port, String method, Object[] args) {
        if (port == StatePort.class && method.equals("pendingIds")) {
            pendingReads.computeIfAbsent(thread, t -> new ArrayList<>()).add(world.now());
            return;
        }
        List<Long> reads = pendingReads.remove(thread);
        // In a calm world only: a delayed or lost read would shift what the reads saw from when they were heard.
        if (port == StatePort.class && method.equals("snapshot") && calm
                && !settings.consolidationWindow().isZero()) {
            quietBeforeSnapshot((ConversationId) args[0], reads == null ? List.of() : reads);
        }
    }

    /**
     * Invariant 14: a holder takes its snapshot after a quiet window, reads of what is pending a window apart, the
     * last two with no message joining between them, unless it has waited the most it may (as many windows as fit in
     * the longest wait): so a customer's burst is answered once, and a customer who never stops typing still is.
     */
    private void quietBeforeSnapshot(ConversationId conversation, List<Long> reads) {
        long window = settings.consolidationWindow().toNanos();
        long rounds = Math.max(1, settings.consolidationMaxWait().toMillis()
                / Math.max(1, settings.consolidationWindow().toMillis()));
        String what = "a pass over " + conversation + " took its snapshot after " + reads.size() + " read(s) of what is"
                + " pending";
        if (reads.size() < 2 || reads.size() > rounds + 1) {
            broken("14 (a burst is consolidated)", what + ", not 2 to " + (rounds + 1));
            return;
        }
        for (int i = 1; i < reads.size(); i++) {
            if (reads.get(i) - reads.get(i - 1) < window) {
                broken("14 (a burst is consolidated)", what + ", two of them " + Duration.ofNanos(reads.get(i)
                        - reads.get(i - 1)) + " apart, less than the window");
                return;
            }
        }
        if (reads.size() == rounds + 1) {
            return;
        }
        long from = reads.get(reads.size() - 2);
        long to = reads.getLast();
        checker.fates().stream().filter(f -> f.message().conversationId().equals(conversation)
                        && f.acceptedAt() > from && f.acceptedAt() < to).findFirst()
                .ifPresent(joined -> broken("14 (a burst is consolidated)", what + ", though " + joined.message().id()
                        + " joined between the last two"));
    }

    // ---- invariant 12: every caller is told ----

    /** A sync caller waited out its whole wait although the worker it started had ended without telling it. */
    void orphaned(String what) {
        broken("12 (every caller is told)", what);
    }

    // ---- invariant 13: no bug ----

    /** The core caught an exception no port promises (a bug of its own) and logged it. */
    void bug(String what) {
        broken("13 (the core has no bug)", what);
    }

    // ---- invariant 15: a shutdown keeps to its grace ----

    /**
     * What a shutdown may take beyond its grace: a send cut short waits a second for its adapter's report, and the
     * dispatcher's threads are given up to five more to wind down once interrupted.
     */
    private static final Duration WIND_DOWN = Duration.ofSeconds(6);

    /**
     * An instance's close returned after {@code took} of its {@code grace}: a platform kills the process after its own
     * grace period, so the whole shutdown must fit in it, give or take the wind-down. Not judged where port calls are
     * slowed (each may take seconds, and the shutdown makes a few).
     */
    void closed(Duration took, Duration grace, boolean slowPortCalls) {
        if (!slowPortCalls && took.compareTo(grace.plus(WIND_DOWN)) > 0) {
            broken("15 (a shutdown keeps to its grace)", "an instance's close took " + took + " of its grace " + grace);
        }
    }

    // ---- at quiescence ----

    /** Invariants 10 and 11 at the end: every effect heard by a living thread told; a calm world prompt throughout. */
    void atQuiescence() {
        owed.forEach((thread, due) -> {
            if (!due.isEmpty() && !thread.dead()) {
                broken("10 (events tell what happened)", thread.name + " never told " + due);
            }
        });
        workersStarted.keySet().stream().filter(t -> !t.dead()).forEach(t -> broken("10 (events tell what happened)",
                t.name + " started a worker and never told it stopped"));
        // A worker owes its webhook caller an outcome (the HTTP layer logs it), unless its process died with it.
        startedCallers.forEach((request, outcome) -> {
            if (!outcome.isDone() && !request.owner.killed()) {
                broken("12 (every caller is told)", request.name + " was told its worker started, and the worker never"
                        + " told its outcome");
            }
        });
        if (calm) {
            prompt();
        }
    }

    /**
     * Invariant 11: a pass takes at most the quiet window's longest wait, the AI's longest answer and the longest
     * delivery; a message is answered at most two passes after the last message of its conversation that came before
     * its answer (the pass under way, then the one that includes it; small batches add a pass per batch), and an
     * answer is delivered within one delivery.
     */
    private void prompt() {
        Duration delivery = Duration.ofSeconds(8);
        Duration pass = settings.consolidationMaxWait().plus(longestAnswer).plus(delivery);
        List<Checker.Fate> fates = checker.fates();
        for (Checker.Fate fate : fates) {
            if (fate.consumedAt() < 0 || fate.acceptedAt() < 0) {
                continue;
            }
            // Small batches take a pass for each batch of what waits.
            long ofConversation = fates.stream()
                    .filter(f -> f.message().conversationId().equals(fate.message().conversationId())).count();
            long passes = 2 + (settings.maxBatchSize() >= ofConversation ? 0
                    : (ofConversation + settings.maxBatchSize() - 1) / settings.maxBatchSize());
            long answerWithin = pass.multipliedBy(passes).plusSeconds(2).toNanos();
            long lastBefore = fates.stream()
                    .filter(f -> f.message().conversationId().equals(fate.message().conversationId()))
                    .mapToLong(Checker.Fate::acceptedAt).filter(at -> at <= fate.consumedAt())
                    .max().orElse(fate.acceptedAt());
            long from = Math.max(fate.acceptedAt(), lastBefore);
            if (fate.consumedAt() - from > answerWithin) {
                broken("11 (a calm world is prompt)", fate.message().conversationId() + "/" + fate.message().id()
                        + " answered " + Duration.ofNanos(fate.consumedAt() - from) + " after its conversation's last"
                        + " message, more than " + Duration.ofNanos(answerWithin));
            }
        }
        for (Checker.Outcome outcome : checker.outcomes()) {
            if (outcome.endedAt() - outcome.committedAt() > delivery.toNanos()) {
                broken("11 (a calm world is prompt)", "answer " + outcome.run().id() + " ended " + outcome.state() + " "
                        + Duration.ofNanos(outcome.endedAt() - outcome.committedAt()) + " after its commit");
            }
        }
    }
}
