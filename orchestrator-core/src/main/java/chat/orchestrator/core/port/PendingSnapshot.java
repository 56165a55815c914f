package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import java.util.List;
import java.util.Set;

/**
 * A conversation's pending messages read in one atomic step: the batch to answer (the oldest, up to a limit) and the
 * ids of everything pending at that instant. Only an id outside {@code ids} makes the batch's answer stale.
 *
 * <p>{@code bodiless} are the ids that were pending without a body (the store lost it: Redis evicted the key under a
 * {@code volatile-*} policy, or a failover dropped the last writes). The same atomic step dropped them from the
 * pending set, so they are in neither {@code batch} nor {@code ids}, and no later read reports them again. The caller
 * re-reads them from durable history ({@link HistoryPort#unanswered}) and puts back those still unanswered
 * ({@link StatePort#requeue}); one that history holds as answered is simply gone.
 */
public record PendingSnapshot(List<InboundMessage> batch, Set<MessageId> ids, Set<MessageId> bodiless) {
    public PendingSnapshot {
        batch = List.copyOf(batch);
        ids = Set.copyOf(ids);
        bodiless = Set.copyOf(bodiless);
        for (InboundMessage message : batch) {
            if (!ids.contains(message.id())) {
                throw new IllegalArgumentException("the batch holds " + message.id() + ", which is not pending");
            }
        }
        for (MessageId id : bodiless) {
            if (ids.contains(id)) {
                throw new IllegalArgumentException(id + " is reported bodiless, so it cannot still be pending");
            }
        }
    }

    /** A snapshot in which every pending id had its body. */
    public PendingSnapshot(List<InboundMessage> batch, Set<MessageId> ids) {
        this(batch, ids, Set.of());
    }
}
