package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** An answer in the outbox as an operator sees it: which conversation and run, its actions and how its delivery went. */
public record UndeliveredAnswer(RunId runId, ConversationId conversationId, DeliveryState state,
                                List<ActionType> actions, int attempts, String lastError, Instant queuedAt,
                                Instant updatedAt) {
    public UndeliveredAnswer {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(state, "state");
        actions = List.copyOf(actions);
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(queuedAt, "queuedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
