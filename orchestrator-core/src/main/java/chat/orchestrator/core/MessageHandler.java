package chat.orchestrator.core;

import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;

/** The inbound use case every entry point calls: handle one message, answer the outcome that covers it. */
@FunctionalInterface
public interface MessageHandler {
    MessageOutcome handle(InboundMessage message);
}
