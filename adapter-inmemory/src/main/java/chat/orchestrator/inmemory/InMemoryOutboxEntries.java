package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.RunId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The outbox rows of {@link InMemoryHistory}, guarded by the history's monitor: one entry per sent answer in commit
 * order, with its delivery state, claim and per-action statuses. The pending ones are also kept per conversation in
 * commit order, so a claim looks only at what is still to deliver, never at the delivered history.
 */
final class InMemoryOutboxEntries {
    /** Insertion order is commit order: answers are queued inside the history's monitor. */
    final Map<RunId, Entry> entries = new LinkedHashMap<>();
    /** Per conversation, its PENDING entries by commit sequence; a conversation with none has no key. */
    private final Map<ConversationId, TreeMap<Long, Entry>> pending = new LinkedHashMap<>();
    private long nextSequence;

    /** One answer in the outbox. */
    static final class Entry {
        final AiRun run;
        final long sequence;
        DeliveryState state = DeliveryState.PENDING;
        int attempts;
        String lastError = "";
        Instant nextAttemptAt;
        Instant queuedAt;
        Instant updatedAt;
        Optional<String> claimToken = Optional.empty();
        Instant claimedUntil = Instant.MIN;
        final Map<Integer, DeliveryReport.Status> actionStatus = new HashMap<>();

        Entry(AiRun run, long sequence, Instant dispatchFrom) {
            this.run = run;
            this.sequence = sequence;
            this.nextAttemptAt = dispatchFrom;
            // Microseconds, as a database keeps them: the horizon a claim reports is the same from every store.
            this.queuedAt = run.finishedAt().truncatedTo(ChronoUnit.MICROS);
            this.updatedAt = queuedAt;
            for (int i = 0; i < run.reply().actions().size(); i++) {
                actionStatus.put(i, DeliveryReport.Status.PENDING);
            }
        }

        ConversationId conversationId() {
            return run.conversationId();
        }

        boolean claimedAt(Instant now) {
            return claimToken.isPresent() && claimedUntil.isAfter(now);
        }
    }

    void queue(AiRun run, Instant dispatchFrom) {
        Entry entry = new Entry(run, nextSequence++, dispatchFrom);
        entries.put(run.id(), entry);
        becamePending(entry);
    }

    /** Each conversation's oldest pending answer. */
    List<Entry> heads() {
        return pending.values().stream().map(TreeMap::firstEntry).map(Map.Entry::getValue).toList();
    }

    /** The conversation's oldest pending answer, if any. */
    Optional<Entry> head(ConversationId conversationId) {
        return Optional.ofNullable(pending.get(conversationId)).map(entries -> entries.firstEntry().getValue());
    }

    /** Moves an entry to {@code state}, keeping the per-conversation index in step. */
    void move(Entry entry, DeliveryState state) {
        if (entry.state == DeliveryState.PENDING && state != DeliveryState.PENDING) {
            TreeMap<Long, Entry> ofConversation = pending.get(entry.conversationId());
            ofConversation.remove(entry.sequence);
            if (ofConversation.isEmpty()) {
                pending.remove(entry.conversationId());
            }
        }
        boolean reopened = entry.state != DeliveryState.PENDING && state == DeliveryState.PENDING;
        entry.state = state;
        if (reopened) {
            becamePending(entry);
        }
    }

    private void becamePending(Entry entry) {
        pending.computeIfAbsent(entry.conversationId(), c -> new TreeMap<>()).put(entry.sequence, entry);
    }

    /** An answer whose delivery ended (or was withheld) with none of its actions delivered never reached the customer. */
    boolean reachedNobody(RunId runId) {
        Entry entry = entries.get(runId);
        return entry != null && (entry.state == DeliveryState.REJECTED || entry.state == DeliveryState.DEAD_LETTER
                || entry.state == DeliveryState.WITHHELD)
                && !entry.actionStatus.containsValue(DeliveryReport.Status.DELIVERED);
    }
}
