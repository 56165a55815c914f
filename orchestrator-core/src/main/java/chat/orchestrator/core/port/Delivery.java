package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One answer's actions on their way to Pancake. The idempotency key is the run id: the same on every attempt of
 * this delivery, so Pancake (or we) can recognise a retry (invariant 3); {@code answeredAt} is fixed with it, so a
 * replayed delivery carries the same bytes.
 */
public record Delivery(ConversationId conversationId, RunId runId, FencingToken fencingToken, AiReply reply,
                       Instant answeredAt) {
    public Delivery {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(fencingToken, "fencingToken");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(answeredAt, "answeredAt");
    }

    public String idempotencyKey() {
        return runId.toString();
    }

    public List<Action> actions() {
        return reply.actions();
    }
}
