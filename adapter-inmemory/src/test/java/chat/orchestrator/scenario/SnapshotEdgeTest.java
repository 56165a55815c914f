package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Invariant 4 at the worker's first read: a message accepted right after the batch was read is newer than the
 * batch, so the answer to the batch is stale and the burst is answered again with it, once, never without it.
 */
class SnapshotEdgeTest {
    private final InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
    private final InMemoryHistory history = new InMemoryHistory();
    private final Harness.RecordingPancake pancake = new Harness.RecordingPancake();

    @Test
    void aMessageAcceptedRightAfterTheBatchWasRead_isAnsweredWithIt_neverSeparately() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage late = message(conversation, "late", 500, "and one more thing");
        AtomicBoolean injected = new AtomicBoolean();
        StatePort state = new AcceptingAfterFirstRead(new InMemoryState(store), () -> {
            if (injected.compareAndSet(false, true)) {
                history.record(late);
                new InMemoryState(store).accept(late);
            }
        });
        try (Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(store)).state(state)
                .history(history).outbox(history.outbox()).ai(Harness::echo).pancake(pancake)
                .settings(Harness.FAST).build()) {

            orchestrator.handle(message(conversation, "first", 0, "hi"));
            // The worker is done when it has let the lock go: nothing more can be sent after that.
            await("an answer sent and the lock let go").atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> !pancake.deliveries().isEmpty() && new InMemoryLocks(store).inspect(conversation).isEmpty());

            assertEquals(List.of("answer to [first, late]"),
                    pancake.deliveries().stream().map(d -> d.reply().text()).toList());
            assertEquals(1, history.discardedRuns().size(), "the answer to the batch alone was discarded");
        }
    }

    /** Lets the test act right after the worker's read of the batch, where a message may land at any time. */
    private record AcceptingAfterFirstRead(StatePort state, Runnable afterRead) implements StatePort {
        public PendingSnapshot snapshot(ConversationId id, int limit) {
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
}
