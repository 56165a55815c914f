package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hole 1 of the simulation's first run (seed 24): the state store loses a waiting message (Redis restarted empty, a
 * failover dropped the last writes, its pending set was evicted) and a second message comes. The holder brings the
 * first back from durable history with its fence, so both are answered together, in timestamp order, not the
 * second alone and the first later, after it.
 */
class LostPendingTest {
    @Test
    void aMessageTheStateStoreLost_isAnsweredWithTheNextOne_inTimestampOrder() {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();
            InboundMessage first = message(conversation, "m1", 0, "hello");
            InboundMessage second = message(conversation, "m2", 1_000, "I want to book a check-up");
            harness.history.record(first);
            harness.state.accept(first);
            harness.store.lose(conversation, InMemoryStore.Loss.PENDING_SET);

            MessageOutcome outcome = harness.orchestrator.handle(second);

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome);
            assertEquals(2, completed.consolidatedMessages());
            assertEquals(List.of(List.of(first.id(), second.id())), harness.ai.contexts().stream()
                    .map(c -> c.burst().stream().map(InboundMessage::id).toList()).toList(),
                    "one AI call for the burst, the lost message first");
        }
    }

    /**
     * A message recorded but not yet accepted when the holder's fence read it joins that burst; its accept landing
     * while the AI runs does not make the answer stale, since the holder already counts it as known.
     */
    @Test
    void aMessageTheFenceBroughtIn_acceptedWhileTheAiRuns_doesNotMakeTheAnswerStale() {
        ConversationId conversation = newConversation();
        InboundMessage early = message(conversation, "m1", 0, "hello");
        InboundMessage second = message(conversation, "m2", 1_000, "are you there?");
        java.util.concurrent.atomic.AtomicReference<Harness> running = new java.util.concurrent.atomic.AtomicReference<>();
        try (Harness harness = new Harness(context -> {
            // The request that recorded m1 accepts it now, while the AI answers the burst that already holds it.
            running.get().state.accept(early);
            return Harness.echo(context);
        })) {
            running.set(harness);
            harness.history.record(early);

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class,
                    harness.orchestrator.handle(second));

            assertEquals(2, completed.consolidatedMessages());
            assertEquals(1, harness.ai.contexts().size(), "answered once, not discarded as stale and asked again");
        }
    }

    /**
     * Simulation seed 7831: a message recorded after the holder's fence read history, whose body the store then lost
     * before the holder's snapshot, is reported bodiless by the snapshot; the holder reads history again for it, so
     * it joins the burst instead of being answered apart later.
     */
    @Test
    void aBodyLostAfterTheFenceRead_isReadAgain_andJoinsTheBurst() {
        InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
        InMemoryHistory history = new InMemoryHistory();
        Harness.RecordingAi ai = new Harness.RecordingAi(Harness::echo);
        ConversationId conversation = newConversation();
        InboundMessage first = message(conversation, "m1", 0, "hello");
        InboundMessage second = message(conversation, "m2", 1_000, "I want to book");
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        StatePort state = HookedState.before(new InMemoryState(store), () -> {
            if (once.compareAndSet(false, true)) {
                history.record(second);
                new InMemoryState(store).accept(second);
                store.lose(conversation, InMemoryStore.Loss.BODIES);
            }
        });
        try (Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(store)).state(state)
                .history(history).outbox(history.outbox()).ai(ai).pancake(new Harness.RecordingPancake())
                .settings(Harness.FAST).build()) {

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class,
                    orchestrator.handle(first));

            assertEquals(2, completed.consolidatedMessages());
            assertEquals(List.of(List.of(first.id(), second.id())), ai.contexts().stream()
                    .map(c -> c.burst().stream().map(InboundMessage::id).toList()).toList());
        }
    }

    @Test
    void aMessageWhoseBodyTheStoreLost_isAnsweredWithItsBurst() {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();
            InboundMessage first = message(conversation, "m1", 0, "hello");
            InboundMessage second = message(conversation, "m2", 1_000, "are you there?");
            harness.history.record(first);
            harness.state.accept(first);
            harness.store.loseBody(conversation, first.id());

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class,
                    harness.orchestrator.handle(second));

            assertEquals(2, completed.consolidatedMessages());
            assertEquals(List.of(first.id(), second.id()),
                    harness.ai.contexts().getLast().burst().stream().map(InboundMessage::id).toList());
        }
    }
}
