package com.example.chatbot;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** The smallest complete program: the core on the in-memory adapters, with your own AI and channel. */
public final class InMemoryChatBot {

    public static void main(String[] args) {
        run(System.out);
    }

    static MessageOutcome run(PrintStream out) {
        InMemoryStore store = new InMemoryStore(Clock.systemUTC()); // locks and pending messages: one store
        InMemoryHistory history = new InMemoryHistory(); // history and the outbox of answers: another
        try (Orchestrator orchestrator = Orchestrator.builder()
                .locks(new InMemoryLocks(store))
                .state(new InMemoryState(store))
                .history(history)
                .outbox(history.outbox())
                .ai(new FixedAnswer())
                .pancake(new PrintingPancake(out))
                .build()) {
            MessageOutcome outcome = orchestrator.handle(new InboundMessage(MessageId.of("msg_1"),
                    ConversationId.of("conv_1"), "When do you open?", "customer_42", SenderType.USER, Instant.now(),
                    Map.of()));
            out.println("outcome: " + outcome.getClass().getSimpleName());
            return outcome;
        }
    }
}
