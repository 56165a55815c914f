package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Invariant 4 at the worker's first reads: a message accepted right after the batch was read, but before the fence
 * read history, was recorded before it was accepted, so it is among history's unanswered and joins the burst; one
 * accepted after the fence's read is newer than everything the pass knows, so the answer to the burst is stale and
 * the burst is answered again with it, once, never without it.
 */
class SnapshotEdgeTest {
    private final InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
    private final InMemoryHistory history = new InMemoryHistory();
    private final Harness.RecordingPancake pancake = new Harness.RecordingPancake();

    @Test
    void aMessageAcceptedRightAfterTheBatchWasRead_joinsTheBurstFromHistory_withNoAnswerDiscarded() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage late = message(conversation, "late", 500, "and one more thing");
        AtomicBoolean injected = new AtomicBoolean();
        StatePort state = HookedState.after(new InMemoryState(store), () -> {
            if (injected.compareAndSet(false, true)) {
                arrive(late);
            }
        });

        answer(conversation, state, history);

        assertEquals(List.of("answer to [first, late]"),
                pancake.deliveries().stream().map(d -> d.reply().text()).toList());
        assertEquals(0, history.discardedRuns().size(), "the fence's read of history found it: one AI call");
    }

    @Test
    void aMessageAcceptedRightAfterTheFenceReadHistory_isAnsweredWithIt_neverSeparately() throws Exception {
        ConversationId conversation = newConversation();
        InboundMessage late = message(conversation, "late", 500, "and one more thing");
        AtomicBoolean injected = new AtomicBoolean();
        HistoryPort afterTheFence = (HistoryPort) Proxy.newProxyInstance(HistoryPort.class.getClassLoader(),
                new Class<?>[] {HistoryPort.class}, (self, method, args) -> {
                    try {
                        Object result = method.invoke(history, args);
                        if (method.getName().equals("raiseFence") && injected.compareAndSet(false, true)) {
                            arrive(late);
                        }
                        return result;
                    } catch (InvocationTargetException thrown) {
                        throw thrown.getCause();
                    }
                });

        answer(conversation, new InMemoryState(store), afterTheFence);

        assertEquals(List.of("answer to [first, late]"),
                pancake.deliveries().stream().map(d -> d.reply().text()).toList());
        assertEquals(1, history.discardedRuns().size(), "the answer to the batch alone was discarded");
    }

    private void arrive(InboundMessage message) {
        history.record(message);
        new InMemoryState(store).accept(message);
    }

    private void answer(ConversationId conversation, StatePort state, HistoryPort withHistory) throws Exception {
        try (Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(store)).state(state)
                .history(withHistory).outbox(history.outbox()).ai(Harness::echo).pancake(pancake)
                .settings(Harness.FAST).build()) {

            orchestrator.handle(message(conversation, "first", 0, "hi"));
            // The worker is done when it has let the lock go: nothing more can be sent after that.
            await("an answer sent and the lock let go").atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> !pancake.deliveries().isEmpty() && new InMemoryLocks(store).inspect(conversation).isEmpty());
        }
    }
}
