package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import java.util.List;
import java.util.Set;

/**
 * A conversation's pending messages read in one atomic step: the batch to answer (the oldest, up to a limit) and the
 * ids of everything pending at that instant. Only an id outside {@code ids} makes the batch's answer stale.
 */
public record PendingSnapshot(List<InboundMessage> batch, Set<MessageId> ids) {
    public PendingSnapshot {
        batch = List.copyOf(batch);
        ids = Set.copyOf(ids);
        for (InboundMessage message : batch) {
            if (!ids.contains(message.id())) {
                throw new IllegalArgumentException("the batch holds " + message.id() + ", which is not pending");
            }
        }
    }
}
