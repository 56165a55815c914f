package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.RunId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox rows of {@link InMemoryHistory}, guarded by the history's monitor: one entry per sent answer in commit
 * order, with its delivery state, claim and per-action statuses.
 */
final class InMemoryOutboxEntries {
    /** Insertion order is commit order: answers are queued inside the history's monitor. */
    final Map<RunId, Entry> entries = new LinkedHashMap<>();
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
            this.queuedAt = run.finishedAt();
            this.updatedAt = run.finishedAt();
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
        entries.put(run.id(), new Entry(run, nextSequence++, dispatchFrom));
    }

    /** Each conversation's oldest pending answer, in commit order. */
    List<Entry> heads() {
        Map<ConversationId, Entry> heads = new LinkedHashMap<>();
        for (Entry entry : entries.values()) {
            if (entry.state == DeliveryState.PENDING) {
                heads.putIfAbsent(entry.conversationId(), entry);
            }
        }
        return new ArrayList<>(heads.values());
    }

    /** An answer whose delivery ended with none of its actions delivered never reached the customer. */
    boolean reachedNobody(RunId runId) {
        Entry entry = entries.get(runId);
        return entry != null && (entry.state == DeliveryState.REJECTED || entry.state == DeliveryState.DEAD_LETTER)
                && !entry.actionStatus.containsValue(DeliveryReport.Status.DELIVERED);
    }
}
