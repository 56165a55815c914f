package com.example.chatbot;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Your AI: here one fixed answer; in your application, the call to your model with the context it is given. */
public final class FixedAnswer implements AiPort {

    @Override
    public AiReply answer(ConversationContext context) {
        String question = context.burst().getLast().content();
        return new AiReply("We open at 8:00 (you asked: " + question + ")", "opening_hours", 0.9, Map.of(),
                "fixed-answer", Duration.ZERO, List.of());
    }
}
