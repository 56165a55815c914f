package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.TimestampOrder;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.StatePort;
import java.util.Comparator;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link StatePort} for one process, over the same {@link InMemoryStore} as the locks. */
public final class InMemoryState implements StatePort {
    private final InMemoryStore store;

    public InMemoryState(InMemoryStore store) {
        this.store = store;
    }

    @Override
    public AcceptOutcome accept(InboundMessage message) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(message.conversationId());
            if (!conversation.seen.add(message.id())) {
                return AcceptOutcome.ALREADY_SEEN;
            }
            conversation.totalMessages++;
            addPending(conversation, message);
            return AcceptOutcome.ACCEPTED;
        }
    }

    @Override
    public boolean requeue(InboundMessage message) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(message.conversationId());
            // A pending id whose body is lost counts as missing: the body comes back with it, as in Redis.
            if (conversation.pending.stream().anyMatch(m -> m.id().equals(message.id()))
                    && !conversation.lostBodies.contains(message.id())) {
                return false;
            }
            conversation.seen.add(message.id());
            addPending(conversation, message);
            return true;
        }
    }

    /** The summary follows the newest message by timestamp, not the last to arrive. */
    private void addPending(InMemoryStore.Conversation conversation, InboundMessage message) {
        // Replaces an entry of the same id, as Redis's ZADD and HSET do: one whose body was lost gets it back.
        conversation.pending.removeIf(m -> m.id().equals(message.id()));
        conversation.lostBodies.remove(message.id());
        conversation.pending.add(message);
        if (conversation.latest == null || TimestampOrder.MESSAGES.compare(message, conversation.latest) > 0) {
            conversation.latest = message;
        }
        conversation.updatedAt = store.now();
    }

    @Override
    public List<InboundMessage> pending(ConversationId conversationId, int limit) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(conversationId);
            return conversation.pending.stream().filter(m -> !conversation.lostBodies.contains(m.id()))
                    .limit(limit).toList();
        }
    }

    @Override
    public PendingSnapshot snapshot(ConversationId conversationId, int limit) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(conversationId);
            // As state-snapshot.lua does: ids without a body leave the pending set and are reported apart.
            Set<MessageId> bodiless = Set.copyOf(conversation.lostBodies);
            conversation.pending.removeIf(m -> bodiless.contains(m.id()));
            conversation.lostBodies.clear();
            List<InboundMessage> pending = conversation.pending.stream().toList();
            return new PendingSnapshot(pending.stream().limit(Math.max(0, limit)).toList(),
                    pending.stream().map(InboundMessage::id).collect(Collectors.toSet()), bodiless);
        }
    }

    @Override
    public Set<MessageId> pendingIds(ConversationId conversationId) {
        synchronized (store) {
            Set<MessageId> ids = new HashSet<>();
            store.conversation(conversationId).pending.forEach(m -> ids.add(m.id()));
            return ids;
        }
    }

    @Override
    public boolean removePending(Lease lease, Set<MessageId> ids) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(lease.conversationId());
            if (!conversation.isLockedBy(lease.ownerToken(), store.now())) {
                return false;
            }
            conversation.pending.removeIf(m -> ids.contains(m.id()));
            conversation.lostBodies.removeAll(ids);
            return true;
        }
    }

    @Override
    public Optional<ConversationState> conversation(ConversationId conversationId) {
        synchronized (store) {
            InMemoryStore.Conversation conversation = store.conversation(conversationId);
            return conversation.latest == null ? Optional.empty() : Optional.of(summary(conversation));
        }
    }

    @Override
    public ConversationPage conversations(int offset, int limit) {
        synchronized (store) {
            List<ConversationState> all = store.conversations().values().stream()
                    .filter(c -> c.latest != null)
                    .map(InMemoryState::summary)
                    .sorted(Comparator.comparing(ConversationState::lastMessageTimestamp).reversed())
                    .toList();
            return new ConversationPage(all.size(), all.stream().skip(offset).limit(limit).toList());
        }
    }

    @Override
    public long removeIdleConversations(Instant cutoff) {
        synchronized (store) {
            Instant now = store.now();
            long removed = 0;
            for (Iterator<InMemoryStore.Conversation> all = store.conversations().values().iterator(); all.hasNext(); ) {
                InMemoryStore.Conversation conversation = all.next();
                if (conversation.pending.isEmpty() && !conversation.isLocked(now) && conversation.updatedAt.isBefore(cutoff)) {
                    all.remove();
                    removed++;
                }
            }
            return removed;
        }
    }

    private static ConversationState summary(InMemoryStore.Conversation conversation) {
        return new ConversationState(conversation.id, conversation.latest.id(), conversation.latest.timestamp(),
                conversation.totalMessages, conversation.pending.size(), conversation.updatedAt);
    }
}
