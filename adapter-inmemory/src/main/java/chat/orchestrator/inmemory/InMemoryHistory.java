package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.TimestampOrder;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link HistoryPort} for one process. One monitor per instance makes every write a transaction; the highest
 * fencing token per conversation is checked and raised inside it, as PostgreSQL does in its transaction.
 */
public final class InMemoryHistory implements HistoryPort {
    private final Map<ConversationId, ConversationHistory> conversations = new HashMap<>();
    /** Messages no answer has consumed, in the order they were recorded, with when: what recovery lists. */
    private final Map<Recorded.Key, Recorded> unanswered = new LinkedHashMap<>();
    private final Clock clock;

    public InMemoryHistory(Clock clock) {
        this.clock = clock;
    }

    public InMemoryHistory() {
        this(Clock.systemUTC());
    }

    private record Recorded(InboundMessage message, Instant at) {
        record Key(ConversationId conversationId, MessageId messageId) {
        }

        Key key() {
            return new Key(message.conversationId(), message.id());
        }
    }

    @Override
    public synchronized RecordOutcome record(InboundMessage message) {
        ConversationHistory history = history(message.conversationId());
        if (history.messages.putIfAbsent(message.id(), message) == null) {
            Recorded entry = new Recorded(message, clock.instant());
            unanswered.put(entry.key(), entry);
            return RecordOutcome.NEW;
        }
        return history.answeredBy.containsKey(message.id()) ? RecordOutcome.ANSWERED : RecordOutcome.UNANSWERED;
    }

    /** Turns come run by run, in the order the answers were stored: each burst, then the answer to it. */
    @Override
    public synchronized List<Turn> recentTurns(ConversationId conversationId, int maxTurns) {
        ConversationHistory history = history(conversationId);
        List<Turn> turns = new ArrayList<>();
        for (StoredRun run : history.sentRuns.values()) {
            run.run().messageIds().stream()
                    .map(history.messages::get)
                    .sorted(TimestampOrder.MESSAGES)
                    .forEach(m -> turns.add(new Turn(Turn.Role.CUSTOMER, m.content(), m.timestamp())));
            boolean reachedNobody = run.delivery().map(report -> report.delivered() == 0).orElse(false);
            if (!reachedNobody) {
                turns.add(new Turn(Turn.Role.BOT, run.run().reply().text(), run.run().finishedAt()));
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
    public synchronized FencedWrite recordDiscarded(AiRun run) {
        ConversationHistory history = history(run.conversationId());
        if (!history.admits(run)) {
            return FencedWrite.refused(FencedWrite.Reason.STALE_FENCING_TOKEN);
        }
        history.discardedRuns.add(run);
        return FencedWrite.committed();
    }

    @Override
    public synchronized FencedWrite recordAnswer(AiRun run) {
        ConversationHistory history = history(run.conversationId());
        if (!history.admits(run)) {
            return FencedWrite.refused(FencedWrite.Reason.STALE_FENCING_TOKEN);
        }
        if (run.messageIds().stream().anyMatch(history.answeredBy::containsKey)) {
            return FencedWrite.refused(FencedWrite.Reason.ALREADY_ANSWERED);
        }
        history.sentRuns.put(run.id(), new StoredRun(run));
        run.messageIds().forEach(id -> {
            history.answeredBy.put(id, run.id());
            unanswered.remove(new Recorded.Key(run.conversationId(), id));
        });
        return FencedWrite.committed();
    }

    @Override
    public synchronized void recordDelivery(ConversationId conversationId, RunId runId, DeliveryReport report) {
        StoredRun run = history(conversationId).sentRuns.get(runId);
        if (run != null) {
            history(conversationId).sentRuns.put(runId, run.delivered(report));
        }
    }

    @Override
    public synchronized List<Delivery> claimUndelivered(Instant answeredBefore, Instant now, Duration claimFor, int limit) {
        List<StoredRun> due = conversations.values().stream()
                .flatMap(history -> history.sentRuns.values().stream())
                .filter(stored -> stored.delivery().isEmpty() && stored.run().finishedAt().isBefore(answeredBefore)
                        && !stored.claimedUntil().isAfter(now))
                .sorted(java.util.Comparator.comparing(stored -> stored.run().finishedAt()))
                .limit(limit)
                .toList();
        List<Delivery> claimed = new ArrayList<>();
        for (StoredRun stored : due) {
            AiRun run = stored.run();
            history(run.conversationId()).sentRuns.put(run.id(), stored.claimed(now.plus(claimFor)));
            claimed.add(new Delivery(run.conversationId(), run.id(), run.fencingToken(), run.reply(), run.finishedAt()));
        }
        return claimed;
    }

    @Override
    public synchronized Optional<DeliveryReport> delivery(ConversationId conversationId, RunId runId) {
        return Optional.ofNullable(history(conversationId).sentRuns.get(runId)).flatMap(StoredRun::delivery);
    }

    @Override
    public synchronized List<InboundMessage> unansweredRecordedBefore(Instant cutoff, int limit) {
        return unanswered.values().stream()
                .takeWhile(r -> r.at().isBefore(cutoff))
                .map(Recorded::message)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized Optional<AiReply> answerFor(ConversationId conversationId, MessageId messageId) {
        ConversationHistory history = history(conversationId);
        return Optional.ofNullable(history.answeredBy.get(messageId))
                .map(history.sentRuns::get)
                .map(stored -> stored.run().reply());
    }

    /** Every AI run stored and delivered, across conversations; for tests and the admin view. */
    public synchronized List<AiRun> sentRuns() {
        return conversations.values().stream().flatMap(h -> h.sentRuns.values().stream()).map(StoredRun::run).toList();
    }

    /** Every run discarded as stale, across conversations. */
    public synchronized List<AiRun> discardedRuns() {
        return conversations.values().stream().flatMap(h -> h.discardedRuns.stream()).toList();
    }

    private ConversationHistory history(ConversationId id) {
        return conversations.computeIfAbsent(id, ignored -> new ConversationHistory());
    }

    /** A sent run, its delivery report once recorded, and until when a redelivery claim holds it. */
    private record StoredRun(AiRun run, Optional<DeliveryReport> delivery, Instant claimedUntil) {
        StoredRun(AiRun run) {
            this(run, Optional.empty(), Instant.MIN);
        }

        StoredRun delivered(DeliveryReport report) {
            return new StoredRun(run, Optional.of(report), claimedUntil);
        }

        StoredRun claimed(Instant until) {
            return new StoredRun(run, delivery, until);
        }
    }

    private static final class ConversationHistory {
        final Map<MessageId, InboundMessage> messages = new HashMap<>();
        final Map<MessageId, RunId> answeredBy = new HashMap<>();
        final Map<RunId, StoredRun> sentRuns = new LinkedHashMap<>();
        final List<AiRun> discardedRuns = new ArrayList<>();
        long highestFencingToken;

        /** The fence: a run is admitted only with a token at least the highest seen, which it then raises. */
        boolean admits(AiRun run) {
            long token = run.fencingToken().value();
            if (token < highestFencingToken) {
                return false;
            }
            highestFencingToken = token;
            return true;
        }
    }
}
