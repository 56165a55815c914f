package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.TimestampOrder;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@link HistoryPort} for one process. One monitor per instance makes every write a transaction; the highest
 * fencing token per conversation is checked and raised inside it, as PostgreSQL does in its transaction. The outbox
 * of its answers ({@link #outbox()}) shares that monitor, so an answer and its outbox entry are stored together.
 */
public final class InMemoryHistory implements HistoryPort {
    private final Map<ConversationId, ConversationHistory> conversations = new HashMap<>();
    /**
     * The messages no answer has consumed yet and when each was recorded, by conversation (a conversation with none
     * has no key): what recovery pages through, without reading the answered history.
     */
    private final Map<ConversationId, Map<MessageId, Instant>> unanswered = new HashMap<>();
    private final Clock clock;
    final InMemoryOutboxEntries deliveries = new InMemoryOutboxEntries();
    private final InMemoryOutbox outbox = new InMemoryOutbox(this);
    private final InMemoryAnalytics analytics = new InMemoryAnalytics(this);

    public InMemoryHistory(Clock clock) {
        this.clock = clock;
    }

    public InMemoryHistory() {
        this(Clock.systemUTC());
    }

    /** This store's clock: what judges the outbox's claims, whatever the clocks of its callers say. */
    Clock clock() {
        return clock;
    }

    /** The outbox over this history's answers. */
    public OutboxPort outbox() {
        return outbox;
    }

    /** The figures of this history and its outbox, for owners. */
    public AnalyticsPort analytics() {
        return analytics;
    }

    @Override
    public synchronized RecordOutcome record(InboundMessage message) {
        ConversationHistory history = history(message.conversationId());
        if (history.messages.putIfAbsent(message.id(), message) == null) {
            Instant now = clock.instant();
            history.recordedAt.put(message.id(), now);
            unanswered.computeIfAbsent(message.conversationId(), c -> new HashMap<>()).put(message.id(), now);
            return RecordOutcome.NEW;
        }
        return history.answeredBy.containsKey(message.id()) ? RecordOutcome.ANSWERED : RecordOutcome.UNANSWERED;
    }

    /** Turns come run by run, in the order the answers were stored: each burst, then the answer to it. */
    @Override
    public synchronized List<Turn> recentTurns(ConversationId conversationId, int maxTurns) {
        ConversationHistory history = history(conversationId);
        List<Turn> turns = new ArrayList<>();
        for (AiRun run : history.sentRuns.values()) {
            run.messageIds().stream()
                    .map(history.messages::get)
                    .sorted(TimestampOrder.MESSAGES)
                    .forEach(m -> turns.add(new Turn(Turn.Role.CUSTOMER, m.content(), m.timestamp())));
            if (!deliveries.reachedNobody(run.id())) {
                turns.add(new Turn(Turn.Role.BOT, run.reply().text(), run.finishedAt()));
            }
        }
        return List.copyOf(turns.subList(Math.max(0, turns.size() - maxTurns), turns.size()));
    }

    @Override
    public synchronized Set<MessageId> answeredAmong(ConversationId conversationId, Set<MessageId> ids) {
        ConversationHistory history = history(conversationId);
        return ids.stream().filter(history.answeredBy::containsKey).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public synchronized FenceRaised raiseFence(ConversationId conversationId, FencingToken token,
                                               FenceRaised.Reads reads) {
        ConversationHistory history = conversations.get(conversationId);
        if (history == null) {
            return new FenceRaised(FencedWrite.committed(), List.of());
        }
        if (!history.admits(token.value())) {
            return FenceRaised.refused((FencedWrite.Refused) FencedWrite.stale(history.highestFencingToken));
        }
        return new FenceRaised(FencedWrite.committed(),
                reads.unansweredLimit() == 0 ? List.of() : unanswered(conversationId, reads.unansweredLimit()),
                answeredAmong(conversationId, reads.batch()), history.handoff,
                reads.recentTurns() == 0 ? List.of() : recentTurns(conversationId, reads.recentTurns()));
    }

    @Override
    public synchronized FencedWrite recordDiscarded(AiRun run) {
        ConversationHistory history = history(run.conversationId());
        if (!history.admits(run.fencingToken().value())) {
            return FencedWrite.stale(history.highestFencingToken);
        }
        history.discardedRuns.add(run);
        return FencedWrite.committed();
    }

    @Override
    public synchronized CommittedAnswer commitAnswer(AiRun run, Instant dispatchFrom, Optional<Duration> holderClaim) {
        ConversationHistory history = history(run.conversationId());
        if (run.messageIds().stream().anyMatch(id -> !history.messages.containsKey(id))) {
            throw new IllegalArgumentException("run " + run.id() + " of conversation " + run.conversationId()
                    + " answers messages that were never recorded: record every message before answering it");
        }
        // Checked before the fence is raised: a refused write must leave no trace, not even a raised fence.
        if (run.fencingToken().value() < history.highestFencingToken) {
            return new CommittedAnswer(FencedWrite.stale(history.highestFencingToken), Optional.empty());
        }
        if (run.messageIds().stream().anyMatch(history.answeredBy::containsKey)) {
            return new CommittedAnswer(FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED), Optional.empty());
        }
        history.admits(run.fencingToken().value());
        history.sentRuns.put(run.id(), run);
        consume(run.conversationId(), history, run.messageIds(), run.id());
        run.handoff().ifPresent(handoff -> history.handoff = Optional.of(handoff));
        deliveries.queue(run, dispatchFrom);
        return new CommittedAnswer(FencedWrite.committed(),
                holderClaim.flatMap(claimFor -> outbox.claimCommitted(run.id(), claimFor)));
    }

    /** Consumed by a run id that names no sent run: dedup and recovery see them answered, no answer covers them. */
    @Override
    public synchronized FencedWrite recordHandedOff(ConversationId conversationId, FencingToken token,
                                                    Set<MessageId> ids, Instant at) {
        ConversationHistory history = history(conversationId);
        if (ids.stream().anyMatch(id -> !history.messages.containsKey(id))) {
            throw new IllegalArgumentException("conversation " + conversationId
                    + ": record every message before storing it as handed off");
        }
        if (token.value() < history.highestFencingToken) {
            return FencedWrite.stale(history.highestFencingToken);
        }
        if (ids.stream().anyMatch(history.answeredBy::containsKey)) {
            return FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED);
        }
        if (history.handoff.isEmpty()) {
            return FencedWrite.refused(FencedWrite.Reason.NOT_HANDED_OFF);
        }
        history.admits(token.value());
        RunId consumedBy = RunId.random();
        consume(conversationId, history, ids, consumedBy);
        // Which hand-off the burst went to: lifting that one (OutboxPort#recordAttempt) gives back exactly these.
        history.forPeople.put(consumedBy, new ForPeople(history.handoff.get().since(), history.handoff.get().by(),
                Set.copyOf(ids)));
        history.handoff = history.handoff.map(h -> new Handoff(h.since(), h.by(), h.reason(), at));
        return FencedWrite.committed();
    }

    /** Whether the conversation has a stored hand-off, whatever its idle time: what the outbox's claim withholds by. */
    synchronized boolean handedOff(ConversationId conversationId) {
        return handoff(conversationId).isPresent();
    }

    /**
     * Lifts the AI's hand-off that started at {@code since}, if it is still the stored one, and makes the messages
     * recorded for people under it unanswered again (recovery and the fence find them); false when another hand-off
     * (an operator's, a later transfer) or none is stored. Called by the outbox inside this monitor.
     */
    synchronized boolean liftTransfer(ConversationId conversationId, Instant since) {
        ConversationHistory history = conversations.get(conversationId);
        if (history == null || history.handoff.isEmpty() || history.handoff.get().by() != Handoff.By.AI
                || !history.handoff.get().since().equals(since)) {
            return false;
        }
        history.handoff = Optional.empty();
        var bursts = history.forPeople.entrySet().iterator();
        while (bursts.hasNext()) {
            ForPeople burst = bursts.next().getValue();
            if (burst.by() == Handoff.By.AI && burst.since().equals(since)) {
                Map<MessageId, Instant> waiting = unanswered.computeIfAbsent(conversationId, c -> new HashMap<>());
                burst.ids().forEach(id -> {
                    history.answeredBy.remove(id);
                    waiting.put(id, history.recordedAt.get(id));
                });
                bursts.remove();
            }
        }
        return true;
    }

    @Override
    public synchronized Optional<Handoff> handoff(ConversationId conversationId) {
        ConversationHistory history = conversations.get(conversationId);
        return history == null ? Optional.empty() : history.handoff;
    }

    @Override
    public synchronized Map<ConversationId, Handoff> handoffs(Set<ConversationId> ids) {
        Map<ConversationId, Handoff> found = new HashMap<>();
        ids.forEach(id -> handoff(id).ifPresent(handoff -> found.put(id, handoff)));
        return Map.copyOf(found);
    }

    @Override
    public synchronized boolean handOff(ConversationId conversationId, Handoff handoff) {
        ConversationHistory history = recorded(conversationId);
        if (history == null) {
            return false;
        }
        history.handoff = Optional.of(handoff);
        return true;
    }

    @Override
    public synchronized boolean resume(ConversationId conversationId) {
        ConversationHistory history = recorded(conversationId);
        if (history == null) {
            return false;
        }
        history.handoff = Optional.empty();
        return true;
    }

    /** The conversation's history if a message of it was recorded (PostgreSQL has a row from the first message). */
    private ConversationHistory recorded(ConversationId conversationId) {
        ConversationHistory history = conversations.get(conversationId);
        return history == null || history.messages.isEmpty() ? null : history;
    }

    private void consume(ConversationId conversationId, ConversationHistory history, Collection<MessageId> ids,
                         RunId by) {
        ids.forEach(id -> history.answeredBy.put(id, by));
        Map<MessageId, Instant> waiting = unanswered.get(conversationId);
        ids.forEach(waiting::remove);
        if (waiting.isEmpty()) {
            unanswered.remove(conversationId);
        }
    }

    @Override
    public synchronized List<ConversationId> conversationsWithUnanswered(Instant recordedBefore,
                                                                         Optional<ConversationId> after, int limit) {
        TreeMap<String, ConversationId> waiting = new TreeMap<>();
        unanswered.forEach((id, recorded) -> {
            boolean stranded = recorded.values().stream().anyMatch(at -> at.isBefore(recordedBefore));
            if (stranded && after.map(a -> id.value().compareTo(a.value()) > 0).orElse(true)) {
                waiting.put(id.value(), id);
            }
        });
        return waiting.values().stream().limit(limit).toList();
    }

    @Override
    public synchronized List<InboundMessage> unanswered(ConversationId conversationId, int limit) {
        ConversationHistory history = history(conversationId);
        return unanswered.getOrDefault(conversationId, Map.of()).keySet().stream()
                .map(history.messages::get)
                .sorted(TimestampOrder.MESSAGES)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized Optional<AiReply> answerFor(ConversationId conversationId, MessageId messageId) {
        ConversationHistory history = history(conversationId);
        return Optional.ofNullable(history.answeredBy.get(messageId))
                .map(history.sentRuns::get)
                .map(AiRun::reply);
    }

    /** Every AI run stored to be sent, across conversations; for tests and the admin view. */
    public synchronized List<AiRun> sentRuns() {
        return conversations.values().stream().flatMap(h -> h.sentRuns.values().stream()).toList();
    }

    /** Every run discarded as stale, across conversations. */
    public synchronized List<AiRun> discardedRuns() {
        return conversations.values().stream().flatMap(h -> h.discardedRuns.stream()).toList();
    }

    /** When a message was recorded, and whether an answer has consumed it. */
    record RecordedMessage(Instant recordedAt, boolean answered) {
    }

    /** Every message recorded, across conversations. */
    synchronized List<RecordedMessage> recordedMessages() {
        return conversations.values().stream().flatMap(h -> h.recordedAt.entrySet().stream()
                        .map(e -> new RecordedMessage(e.getValue(), h.answeredBy.containsKey(e.getKey()))))
                .toList();
    }

    synchronized AiRun run(ConversationId conversationId, RunId runId) {
        return history(conversationId).sentRuns.get(runId);
    }

    private ConversationHistory history(ConversationId id) {
        return conversations.computeIfAbsent(id, ignored -> new ConversationHistory());
    }

    /** A burst recorded for people, under the hand-off that started at {@code since} by {@code by}. */
    private record ForPeople(Instant since, Handoff.By by, Set<MessageId> ids) {
    }

    private static final class ConversationHistory {
        final Map<MessageId, InboundMessage> messages = new HashMap<>();
        final Map<MessageId, Instant> recordedAt = new HashMap<>();
        final Map<MessageId, RunId> answeredBy = new HashMap<>();
        final Map<RunId, AiRun> sentRuns = new LinkedHashMap<>();
        final List<AiRun> discardedRuns = new ArrayList<>();
        /** The bursts people handled, by the run id that consumed each, with the hand-off they were recorded under. */
        final Map<RunId, ForPeople> forPeople = new LinkedHashMap<>();
        long highestFencingToken;
        Optional<Handoff> handoff = Optional.empty();

        /** The fence: a token is admitted only if at least the highest seen, which it then raises. */
        boolean admits(long token) {
            if (token < highestFencingToken) {
                return false;
            }
            highestFencingToken = token;
            return true;
        }
    }
}
