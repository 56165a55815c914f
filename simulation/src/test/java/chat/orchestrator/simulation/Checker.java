package chat.orchestrator.simulation;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The invariants, judged from what really happened: every port call that took effect (whether or not its caller
 * heard the answer) and every request that reached Pancake is reported here by the fault layer and the simulated
 * Pancake, in the order the world ran them, and checked at once. Numbers follow docs/reliability.md's list.
 */
final class Checker {
    private final World world;
    private final Function<ConversationId, Optional<Handoff>> storedHandoff;
    private final Duration handoffIdleTimeout;
    /** A burst this long is full: what was waiting beyond it is answered next, in timestamp order. */
    private final int maxBatchSize;
    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final Map<ConversationId, Long> fences = new LinkedHashMap<>();
    private final Map<RunId, Run> runs = new LinkedHashMap<>();
    private final Map<ConversationId, List<Run>> committed = new LinkedHashMap<>();
    private final Map<String, Claim> claims = new LinkedHashMap<>();
    private final Map<Delivery, Claim> claimOfDelivery = new IdentityHashMap<>();
    private final Map<String, Answer> answers = new LinkedHashMap<>();
    private final Map<Integer, Long> lastFenceAt = new LinkedHashMap<>();
    private final Map<Integer, Set<MessageId>> waitingAtSnapshot = new LinkedHashMap<>();
    /** Holders whose last snapshot filled a batch (answered messages not yet removed count): the rest waits. */
    private final Set<Integer> fullSnapshots = new HashSet<>();
    private final List<String> violations = new ArrayList<>();

    Checker(World world, Function<ConversationId, Optional<Handoff>> storedHandoff, Duration handoffIdleTimeout,
            int maxBatchSize) {
        this.world = world;
        this.maxBatchSize = maxBatchSize;
        this.storedHandoff = storedHandoff;
        this.handoffIdleTimeout = handoffIdleTimeout;
    }

    private static final class Message {
        final InboundMessage message;
        long acceptedAt = -1;
        int acceptedBy = -1;
        long lostAt = -1;
        String consumedBy;
        long consumedAt = -1;
        AiRun answeredBy;
        int recordedBy = -1;
        long recordedAt = -1;
        boolean everWithPeople;

        Message(InboundMessage message) {
            this.message = message;
        }
    }

    private static final class Run {
        final AiRun run;
        final boolean transfer;
        DeliveryState state = DeliveryState.PENDING;
        final Set<Integer> sent = new HashSet<>();
        final Set<Integer> unknownToSender = new HashSet<>();
        final Map<Integer, Claim> sentUnder = new LinkedHashMap<>();
        String callbackBytes;
        boolean firstSent;
        long committedAt;
        long endedAt = -1;

        Run(AiRun run) {
            this.run = run;
            this.transfer = run.reply().actions().stream().anyMatch(a -> a instanceof Action.TransferToAgent);
        }
    }

    private static final class Claim {
        final String token;
        final RunId run;
        long trueExpiry;
        boolean ended;
        boolean recorded;

        Claim(String token, RunId run, long trueExpiry) {
            this.token = token;
            this.run = run;
            this.trueExpiry = trueExpiry;
        }
    }

    /** An answer the simulated AI gave, and what was pending (and not in its burst) when it gave it. */
    record Answer(ConversationId conversation, Set<MessageId> burst, Set<MessageId> newerPending) {
    }

    List<String> violations() {
        return violations;
    }

    boolean failed() {
        return !violations.isEmpty();
    }

    private void violated(String invariant, String what) {
        violations.add("invariant " + invariant + " at " + world.instant() + ": " + what);
    }

    private static String key(ConversationId conversation, MessageId id) {
        return conversation.value() + "/" + id.value();
    }

    private Message message(InboundMessage inbound) {
        return messages.computeIfAbsent(key(inbound.conversationId(), inbound.id()), k -> new Message(inbound));
    }

    // ---- what the stores did ----

    void recorded(int thread, InboundMessage message) {
        Message known = message(message);
        if (known.recordedBy < 0) {
            known.recordedBy = thread;
            known.recordedAt = world.now();
        }
    }

    void accepted(int thread, InboundMessage message) {
        Message known = message(message);
        if (known.acceptedBy < 0) {
            known.acceptedBy = thread;
        }
        if (known.acceptedAt < 0 || known.lostAt >= known.acceptedAt) {
            known.acceptedAt = world.now();
        }
    }

    /** The state store lost the pending entries of these conversations (a restart empty, an evicted key). */
    void pendingLost(Set<ConversationId> conversations) {
        for (Message known : messages.values()) {
            if (conversations.contains(known.message.conversationId())) {
                known.lostAt = world.now();
            }
        }
    }

    void fenceRaised(int thread, ConversationId conversation, FencingToken token) {
        fences.merge(conversation, token.value(), Math::max);
        lastFenceAt.put(thread, world.now());
    }

    /**
     * Invariant 5, first half: what was waiting when a holder took its snapshot (and it could know of: nothing lost
     * after its last look at durable history), which its next commit must cover.
     */
    boolean fullSnapshot(int thread) {
        return fullSnapshots.contains(thread);
    }

    void snapshotTaken(int thread, ConversationId conversation, boolean full) {
        if (full) {
            fullSnapshots.add(thread);
        } else {
            fullSnapshots.remove(thread);
        }
        long fencedAt = lastFenceAt.getOrDefault(thread, -1L);
        Set<MessageId> waiting = new HashSet<>();
        for (Message m : messages.values()) {
            if (m.message.conversationId().equals(conversation) && m.consumedBy == null && m.acceptedAt >= 0
                    && m.acceptedAt < world.now() && m.lostAt < fencedAt) {
                waiting.add(m.message.id());
            }
        }
        waitingAtSnapshot.put(thread, waiting);
    }

    /** Invariant 5, second half: a commit covers what was waiting at its holder's snapshot, unless answered since. */
    private void coversWaiting(int thread, ConversationId conversation, Collection<MessageId> burst, String what) {
        Set<MessageId> waiting = waitingAtSnapshot.remove(thread);
        if (waiting == null) {
            return;
        }
        List<MessageId> missing = waiting.stream().filter(id -> !burst.contains(id))
                .filter(id -> messages.get(key(conversation, id)).consumedBy == null)
                .filter(id -> !leftForNextBurst(thread, conversation, burst, id)).sorted().toList();
        if (!missing.isEmpty()) {
            violated("5 (one burst, one answer)", conversation + ": " + what + " " + burst
                    + " leaves out " + missing + ", waiting when its holder took its snapshot, to be answered apart");
        }
    }

    /** A full burst leaves what came after its last message (by timestamp) for the next one. */
    private boolean leftForNextBurst(int thread, ConversationId conversation, Collection<MessageId> burst,
                                     MessageId id) {
        if (burst.size() < maxBatchSize && !fullSnapshots.contains(thread)) {
            return false;
        }
        java.time.Instant stamp = messages.get(key(conversation, id)).message.timestamp();
        return burst.stream().map(b -> messages.get(key(conversation, b)).message.timestamp())
                .noneMatch(t -> t.isAfter(stamp));
    }

    void answerGiven(String tag, Answer answer) {
        answers.put(tag, answer);
    }

    void fencedWrite(ConversationId conversation, FencingToken token, String what) {
        long fence = fences.getOrDefault(conversation, 0L);
        if (token.value() < fence) {
            violated("1 (one holder commits)", conversation + ": " + what + " committed under token " + token.value()
                    + " after the fence rose to " + fence);
        }
    }

    void answerCommitted(int thread, AiRun run) {
        fencedWrite(run.conversationId(), run.fencingToken(), "answer " + run.id());
        coversWaiting(thread, run.conversationId(), run.messageIds(), "answer " + run.id() + " to");
        consume(run.conversationId(), run.messageIds(), "run " + run.id());
        run.messageIds().forEach(id -> messages.get(key(run.conversationId(), id)).answeredBy = run);
        Answer answer = answers.get(tag(run.reply().text()));
        if (answer != null) {
            Set<MessageId> stale = new HashSet<>(answer.newerPending());
            stale.removeIf(id -> {
                Message known = messages.get(key(run.conversationId(), id));
                return known == null || known.lostAt >= 0
                        || leftForNextBurst(thread, run.conversationId(), run.messageIds(), id);
            });
            if (!stale.isEmpty()) {
                violated("4 (never stale)", run.conversationId() + ": answer " + run.id() + " to " + run.messageIds()
                        + " committed though " + stale + " was pending when it was made");
            }
        }
        List<MessageId> order = run.messageIds();
        for (int i = 1; i < order.size(); i++) {
            InboundMessage before = messages.get(key(run.conversationId(), order.get(i - 1))).message;
            InboundMessage after = messages.get(key(run.conversationId(), order.get(i))).message;
            if (before.timestamp().isAfter(after.timestamp())) {
                violated("5 (one burst, one answer)", run.conversationId() + ": burst " + order
                        + " is not in timestamp order");
            }
        }
        Run stored = new Run(run);
        stored.committedAt = world.now();
        runs.put(run.id(), stored);
        committed.computeIfAbsent(run.conversationId(), c -> new ArrayList<>()).add(stored);
    }

    void handedOffBurst(int thread, ConversationId conversation, FencingToken token, Set<MessageId> ids) {
        fencedWrite(conversation, token, "burst for people " + ids);
        coversWaiting(thread, conversation, ids, "the burst for people");
        // Which hand-off took them: lifting that one (a transfer that reached no one) gives them back to the bot.
        consume(conversation, List.copyOf(ids), people(storedHandoff.apply(conversation)));
    }

    private static String people(Optional<Handoff> under) {
        return "people" + under.map(h -> " (" + h.by().wireName() + " since " + h.since() + ")").orElse("");
    }

    /** The transfer of this claim reached no one: its hand-off was lifted, its bursts for people are unanswered. */
    void handoffLifted(ClaimedDelivery claim) {
        ConversationId conversation = claim.delivery().conversationId();
        String under = people(Optional.of(Handoff.starting(claim.delivery().answeredAt(), Handoff.By.AI, "")));
        messages.values().stream()
                .filter(m -> m.message.conversationId().equals(conversation) && under.equals(m.consumedBy))
                .forEach(m -> m.consumedBy = null);
    }

    /** The claim withheld this answer (its conversation was with people): it is no longer waiting to be sent. */
    void withheld(RunId runId) {
        Run run = runs.get(runId);
        if (run != null && run.state == DeliveryState.PENDING) {
            run.state = DeliveryState.WITHHELD;
            run.endedAt = world.now();
        }
    }

    private void consume(ConversationId conversation, List<MessageId> ids, String by) {
        for (MessageId id : ids) {
            Message known = messages.get(key(conversation, id));
            if (known == null) {
                violated("2 (nothing stranded)", conversation + ": " + by + " consumed " + id + ", never recorded");
                continue;
            }
            if (known.consumedBy != null) {
                violated("2 (each message once)", conversation + ": " + id + " consumed by " + by + " after "
                        + known.consumedBy);
            }
            known.consumedBy = by;
            known.everWithPeople |= by.startsWith("people");
            known.consumedAt = world.now();
            known.answeredBy = null;
        }
    }

    void claimed(ClaimedDelivery claim, Duration claimFor) {
        Run run = runs.get(claim.runId());
        for (Claim other : claims.values()) {
            if (other.run.equals(claim.runId()) && !other.ended && other.trueExpiry > world.now()) {
                violated("3 (one sender at a time)", "answer " + claim.runId() + " claimed again while claim "
                        + other.token + " is live for another " + Duration.ofNanos(other.trueExpiry - world.now()));
            }
        }
        Claim taken = new Claim(claim.claimToken(), claim.runId(), world.now() + claimFor.toNanos());
        claims.put(claim.claimToken(), taken);
        claimOfDelivery.put(claim.delivery(), taken);
        if (run != null && !run.transfer) {
            ConversationId conversation = claim.delivery().conversationId();
            storedHandoff.apply(conversation).filter(h -> h.activeAt(world.instant(), handoffIdleTimeout))
                    .ifPresent(h -> violated("7 (people have it)", conversation + ": bot answer " + claim.runId()
                            + " claimed for sending while handed off since " + h.since() + " by " + h.by()));
        }
    }

    void claimRenewed(ClaimedDelivery claim, Duration claimFor) {
        Claim known = claims.get(claim.claimToken());
        if (known != null) {
            known.trueExpiry = world.now() + claimFor.toNanos();
        }
    }

    void attemptRecorded(ClaimedDelivery claim, DeliveryAttempt attempt) {
        Claim known = claims.get(claim.claimToken());
        if (known != null) {
            known.ended = true;
            known.recorded = true;
        }
        Run run = runs.get(claim.runId());
        if (run != null) {
            run.state = attempt.state();
            run.endedAt = run.state == DeliveryState.PENDING ? -1 : world.now();
        }
    }

    void retried(RunId runId) {
        Run run = runs.get(runId);
        if (run != null) {
            run.state = DeliveryState.PENDING;
            run.endedAt = -1;
        }
    }

    // ---- what reached Pancake ----

    /**
     * Public-API mode: one action of an answer reached Pancake; {@code unknownToSender} when its request was cut short
     * on the way, so its sender could not know it arrived.
     */
    void actionSent(Delivery delivery, int index, boolean unknownToSender) {
        Run run = sent(delivery);
        if (run == null) {
            return;
        }
        Claim under = claimOfDelivery.get(delivery);
        if (run.sent.contains(index)) {
            Claim earlier = run.sentUnder.get(index);
            // Resent legitimately only when its sender could not know the earlier send arrived: its request was cut
            // short on the way, or the claim ended with nothing recorded (its sender died before it could say).
            if (!run.unknownToSender.contains(index) && (earlier == null || earlier.recorded)) {
                violated("3 (nothing doubled)", "action " + index + " of answer " + run.run.id() + " ("
                        + delivery.conversationId() + ") reached Pancake twice");
            }
        }
        run.sent.add(index);
        run.sentUnder.put(index, under);
        if (unknownToSender) {
            run.unknownToSender.add(index);
        } else {
            run.unknownToSender.remove(index);
        }
    }

    /** Callback mode: a whole answer reached Pancake under its idempotency key. */
    void answerSent(Delivery delivery, String bytes) {
        Run run = sent(delivery);
        if (run == null) {
            return;
        }
        if (run.callbackBytes != null && !run.callbackBytes.equals(bytes)) {
            violated("3 (nothing doubled)", "answer " + run.run.id() + " repeated under its key with other bytes");
        }
        run.callbackBytes = bytes;
        for (int i = 0; i < delivery.actions().size(); i++) {
            run.sent.add(i);
        }
    }

    private Run sent(Delivery delivery) {
        Run run = runs.get(delivery.runId());
        if (run == null) {
            violated("1 (one holder commits)", "answer " + delivery.runId() + " reached Pancake, never committed");
            return null;
        }
        if (!run.firstSent) {
            run.firstSent = true;
            // Invariant 6: every answer committed before this one in its conversation went out first, or ended.
            for (Run earlier : committed.get(run.run.conversationId())) {
                if (earlier == run) {
                    break;
                }
                boolean out = earlier.sent.size() >= earlier.run.reply().actions().size()
                        || earlier.state == DeliveryState.DELIVERED;
                if (!out && earlier.state == DeliveryState.PENDING) {
                    violated("6 (delivery order)", run.run.conversationId() + ": answer " + run.run.id()
                            + " reached Pancake before the earlier answer " + earlier.run.id());
                }
            }
        }
        return run;
    }

    // ---- quiescence ----

    /** Whether every recorded message is consumed and every answer has ended; liveness is judged on this. */
    boolean settled() {
        for (Message known : messages.values()) {
            if (known.consumedBy == null) {
                return false;
            }
        }
        for (Run run : runs.values()) {
            if (run.state == DeliveryState.PENDING) {
                return false;
            }
        }
        return true;
    }

    /** Invariant 8 and what invariant 2 leaves for the end: called once all faults healed and time ran forward. */
    void atQuiescence(Set<ConversationId> locked) {
        messages.values().stream().filter(m -> m.consumedBy == null).forEach(m -> violated("2 (nothing stranded)",
                m.message.conversationId() + ": message " + m.message.id() + " never answered"));
        runs.values().stream().filter(r -> r.state == DeliveryState.PENDING).forEach(r -> violated(
                "8 (liveness)", r.run.conversationId() + ": answer " + r.run.id() + " still pending"));
        locked.forEach(c -> violated("8 (liveness)", c + ": lock still held"));
        for (Map.Entry<ConversationId, List<Run>> entry : committed.entrySet()) {
            Optional<Handoff> handoff = storedHandoff.apply(entry.getKey());
            if (handoff.isPresent() && handoff.get().by() == Handoff.By.AI) {
                entry.getValue().stream().filter(r -> r.transfer).reduce((a, b) -> b)
                        .filter(r -> r.state != DeliveryState.DELIVERED)
                        .ifPresent(r -> violated("7 (people were told)", entry.getKey() + ": handed to people by "
                                + "the AI's transfer " + r.run.id() + ", which ended " + r.state + " unsent"));
            }
        }
    }

    // ---- what the promises (callers, events, promptness) ask of the record ----

    /** What became of one message: who recorded it first, when it was accepted and consumed, and by what. */
    record Fate(InboundMessage message, int recordedBy, long recordedAt, long acceptedAt, int acceptedBy, long consumedAt,
                Optional<String> consumedBy,
                Optional<AiRun> answeredBy, boolean everWithPeople) {
        boolean withPeople() {
            return consumedBy.filter(by -> by.startsWith("people")).isPresent();
        }
    }

    Optional<Fate> fate(ConversationId conversation, MessageId id) {
        return Optional.ofNullable(messages.get(key(conversation, id))).map(Checker::fate);
    }

    List<Fate> fates() {
        return messages.values().stream().map(Checker::fate).toList();
    }

    private static Fate fate(Message m) {
        return new Fate(m.message, m.recordedBy, m.recordedAt, m.acceptedAt, m.acceptedBy, m.consumedAt,
                Optional.ofNullable(m.consumedBy),
                Optional.ofNullable(m.answeredBy), m.everWithPeople);
    }

    /** What became of one committed answer: when it was committed and ended, in which state, what reached Pancake. */
    record Outcome(AiRun run, long committedAt, long endedAt, DeliveryState state, Set<Integer> sent) {
    }

    Optional<Outcome> outcome(RunId run) {
        return Optional.ofNullable(runs.get(run)).map(Checker::outcome);
    }

    List<Outcome> outcomes() {
        return runs.values().stream().map(Checker::outcome).toList();
    }

    private static Outcome outcome(Run r) {
        return new Outcome(r.run, r.committedAt, r.endedAt, r.state, Set.copyOf(r.sent));
    }

    Optional<Answer> answer(String tag) {
        return Optional.ofNullable(answers.get(tag));
    }

    /** A promise broken: callers told the wrong thing, an event that does not say what happened, a calm world slow. */
    void broken(String promise, String what) {
        violated(promise, what);
    }

    int messageCount() {
        return messages.size();
    }

    int answerCount() {
        return runs.size();
    }

    static String tag(String text) {
        int end = text.indexOf(' ');
        return end < 0 ? text : text.substring(0, end);
    }
}
