package chat.orchestrator.core;

import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.Submission;

/** The inbound use case of entry points that answer before the AI does: record, accept, try the lock, return. */
@FunctionalInterface
public interface MessageSubmitter {
    Submission submit(InboundMessage message);
}
