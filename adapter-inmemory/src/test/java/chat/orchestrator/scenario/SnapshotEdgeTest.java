package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.util.List;
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
        StatePort state = HookedState.after(new InMemoryState(store), () -> {
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
}
