package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.inmemory.InMemoryOutboxEntries.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@link OutboxPort} over an {@link InMemoryHistory}'s answers, under the history's monitor: only a conversation's
 * oldest pending answer is ever claimable, and by one claim at a time. The monitor makes withholding a handed-off
 * conversation's bot answer part of the claim, and lifting a failed transfer's hand-off part of recording it. The
 * history's clock is the store's clock that judges claims and due times, whatever clock its callers keep.
 */
final class InMemoryOutbox implements OutboxPort {
    private final InMemoryHistory history;

    InMemoryOutbox(InMemoryHistory history) {
        this.history = history;
    }

    @Override
    public List<ClaimedDelivery> claimDue(Duration claimFor, int limit) {
        synchronized (history) {
            Instant now = history.clock().instant();
            Predicate<Entry> claimable = entry -> !entry.claimedAt(now) && !entry.nextAttemptAt.isAfter(now);
            history.deliveries.heads().forEach(head -> withholdFrom(head, claimable, now));
            return history.deliveries.heads().stream()
                    .filter(claimable)
                    .sorted(Comparator.comparing((Entry entry) -> entry.nextAttemptAt).thenComparing(e -> e.sequence))
                    .limit(limit)
                    .map(entry -> claim(entry, now, claimFor))
                    .toList();
        }
    }

    @Override
    public Optional<ClaimedDelivery> claimNext(ConversationId conversationId, Duration claimFor) {
        synchronized (history) {
            Instant now = history.clock().instant();
            Predicate<Entry> claimable = entry -> !entry.claimedAt(now)
                    && (entry.attempts == 0 || !entry.nextAttemptAt.isAfter(now));
            history.deliveries.head(conversationId).ifPresent(head -> withholdFrom(head, claimable, now));
            return history.deliveries.head(conversationId)
                    .filter(claimable)
                    .map(entry -> claim(entry, now, claimFor));
        }
    }

    /**
     * The holder's claim on the answer it has just stored, inside the history's monitor (HistoryPort#commitAnswer):
     * made only when the answer heads its conversation and the claim would not withhold it; otherwise empty, and the
     * holder claims through {@link #claimNext}.
     */
    Optional<ClaimedDelivery> claimCommitted(RunId runId, Duration claimFor) {
        synchronized (history) {
            Entry entry = history.deliveries.entries.get(runId);
            boolean heads = history.deliveries.head(entry.conversationId()).filter(head -> head == entry).isPresent();
            boolean withheld = entry.run.handoff().isEmpty() && history.handedOff(entry.conversationId());
            if (!heads || withheld) {
                return Optional.empty();
            }
            return Optional.of(claim(entry, history.clock().instant(), claimFor));
        }
    }

    @Override
    public boolean renew(ClaimedDelivery claim, Duration claimFor) {
        synchronized (history) {
            Instant until = history.clock().instant().plus(claimFor);
            Optional<Entry> entry = owned(claim);
            entry.ifPresent(e -> e.claimedUntil = until);
            return entry.isPresent();
        }
    }

    /**
     * Withholds the conversation's head while it would be claimed, is a bot answer (no transfer) and the
     * conversation has a stored hand-off; each next head is judged the same way (OutboxPort#claimDue).
     */
    private void withholdFrom(Entry head, Predicate<Entry> claimable, Instant now) {
        Optional<Entry> next = Optional.of(head);
        while (next.isPresent() && claimable.test(next.get()) && next.get().run.handoff().isEmpty()
                && history.handedOff(next.get().conversationId())) {
            Entry withheld = next.get();
            withheld.updatedAt = now;
            withheld.claimToken = Optional.empty();
            history.deliveries.move(withheld, DeliveryState.WITHHELD);
            next = history.deliveries.head(withheld.conversationId());
        }
    }

    @Override
    public Recorded recordAttempt(ClaimedDelivery claim, DeliveryAttempt attempt) {
        synchronized (history) {
            Optional<Entry> owned = owned(claim);
            if (owned.isEmpty()) {
                return Recorded.LOST;
            }
            Entry entry = owned.get();
            history.deliveries.move(entry, attempt.state());
            entry.attempts += attempt.counted() ? 1 : 0;
            String error = attempt.report().firstError();
            entry.lastError = error.isEmpty() ? entry.lastError : error;
            entry.nextAttemptAt = attempt.nextAttemptAt();
            entry.updatedAt = attempt.at();
            entry.claimToken = Optional.empty();
            // Delivered or skipped is final (OutboxPort#record): the customer has it, whatever a later attempt says.
            attempt.report().actions().forEach(action -> entry.actionStatus.computeIfPresent(action.index(),
                    (index, stored) -> done(stored) ? stored : action.status()));
            if (toldNoOne(entry) && history.liftTransfer(entry.conversationId(), entry.run.finishedAt())) {
                return Recorded.HANDOFF_LIFTED;
            }
            return Recorded.RECORDED;
        }
    }

    /** A transfer answer whose delivery ended with its transfer action undelivered: no person heard of it. */
    private static boolean toldNoOne(Entry entry) {
        if (entry.state != DeliveryState.REJECTED && entry.state != DeliveryState.DEAD_LETTER) {
            return false;
        }
        List<Action> actions = entry.run.reply().actions();
        return IntStream.range(0, actions.size())
                .filter(i -> actions.get(i) instanceof Action.TransferToAgent)
                .anyMatch(i -> entry.actionStatus.get(i) != DeliveryReport.Status.DELIVERED);
    }

    @Override
    public List<UndeliveredAnswer> list(DeliveryState state, int limit) {
        synchronized (history) {
            return history.deliveries.entries.values().stream()
                    .filter(entry -> entry.state == state)
                    .sorted(Comparator.comparing((Entry entry) -> entry.updatedAt).reversed())
                    .limit(limit)
                    .map(entry -> new UndeliveredAnswer(entry.run.id(), entry.conversationId(), entry.state,
                            entry.run.reply().actions().stream().map(Action::type).toList(), entry.attempts,
                            entry.lastError, entry.queuedAt, entry.updatedAt))
                    .toList();
        }
    }

    @Override
    public long count(DeliveryState state) {
        synchronized (history) {
            return history.deliveries.entries.values().stream().filter(entry -> entry.state == state).count();
        }
    }

    @Override
    public boolean retry(RunId runId, Instant now) {
        synchronized (history) {
            Entry entry = history.deliveries.entries.get(runId);
            if (entry == null || (entry.state != DeliveryState.DEAD_LETTER && entry.state != DeliveryState.REJECTED
                    && entry.state != DeliveryState.WITHHELD)) {
                return false;
            }
            entry.nextAttemptAt = now;
            entry.queuedAt = now;
            entry.updatedAt = now;
            entry.claimToken = Optional.empty();
            history.deliveries.move(entry, DeliveryState.PENDING);
            entry.actionStatus.replaceAll((index, status) -> done(status) ? status : DeliveryReport.Status.PENDING);
            return true;
        }
    }

    private Optional<Entry> owned(ClaimedDelivery claim) {
        Entry entry = history.deliveries.entries.get(claim.runId());
        if (entry == null || entry.state != DeliveryState.PENDING
                || !entry.claimToken.equals(Optional.of(claim.claimToken()))) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    private static ClaimedDelivery claim(Entry entry, Instant now, Duration claimFor) {
        entry.claimToken = Optional.of(UUID.randomUUID().toString());
        entry.claimedUntil = now.plus(claimFor);
        Set<Integer> delivered = entry.actionStatus.entrySet().stream()
                .filter(e -> done(e.getValue()))
                .map(java.util.Map.Entry::getKey)
                .collect(Collectors.toSet());
        Delivery delivery = new Delivery(entry.conversationId(), entry.run.id(), entry.run.fencingToken(),
                entry.run.reply(), entry.run.finishedAt(), delivered, entry.run.pageId());
        return new ClaimedDelivery(delivery, entry.claimToken.get(), entry.claimedUntil, entry.attempts, entry.queuedAt);
    }

    /** Delivered, or nothing to send: the action is out of the answer's way for good. */
    private static boolean done(DeliveryReport.Status status) {
        return status == DeliveryReport.Status.DELIVERED || status == DeliveryReport.Status.SKIPPED;
    }
}
