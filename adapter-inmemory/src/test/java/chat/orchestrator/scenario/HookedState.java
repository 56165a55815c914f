package chat.orchestrator.scenario;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.StatePort;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A state store that lets a test act at the worker's reads of the pending set, where a message may land or the store
 * lose something at any moment: {@code beforeSnapshot} runs before each snapshot, {@code afterRead} after each
 * snapshot and each read of pending messages.
 */
record HookedState(StatePort state, Runnable beforeSnapshot, Runnable afterRead) implements StatePort {
    static HookedState before(StatePort state, Runnable beforeSnapshot) {
        return new HookedState(state, beforeSnapshot, () -> { });
    }

    static HookedState after(StatePort state, Runnable afterRead) {
        return new HookedState(state, () -> { }, afterRead);
    }

    public PendingSnapshot snapshot(ConversationId id, int limit) {
        beforeSnapshot.run();
        PendingSnapshot snapshot = state.snapshot(id, limit);
        afterRead.run();
        return snapshot;
    }

    public List<InboundMessage> pending(ConversationId id, int limit) {
        List<InboundMessage> pending = state.pending(id, limit);
        afterRead.run();
        return pending;
    }

    public AcceptOutcome accept(InboundMessage message) {
        return state.accept(message);
    }

    public boolean requeue(InboundMessage message) {
        return state.requeue(message);
    }

    public Set<MessageId> pendingIds(ConversationId id) {
        return state.pendingIds(id);
    }

    public boolean removePending(Lease lease, Set<MessageId> ids) {
        return state.removePending(lease, ids);
    }

    public Optional<ConversationState> conversation(ConversationId id) {
        return state.conversation(id);
    }

    public ConversationPage conversations(int offset, int limit) {
        return state.conversations(offset, limit);
    }

    public long removeIdleConversations(Instant cutoff) {
        return state.removeIdleConversations(cutoff);
    }
}
