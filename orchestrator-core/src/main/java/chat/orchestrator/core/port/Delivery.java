package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.PageId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One answer's actions on their way to Pancake. The idempotency key is the run id: the same on every attempt of
 * this delivery, from any instance, so Pancake (or we) can recognise a retry (invariant 3). {@code answeredAt} is
 * kept at the precision stores keep (microseconds), so an attempt built from the stored answer carries the same
 * bytes as the holder's first. {@code deliveredActions} are the indexes an earlier attempt already delivered: an
 * adapter that sends action by action sends only the others. {@code pageId} is the page the answer goes out as,
 * stored with the answer (empty: the deployment's default page).
 */
public record Delivery(ConversationId conversationId, RunId runId, FencingToken fencingToken, AiReply reply,
                       Instant answeredAt, Set<Integer> deliveredActions, Optional<PageId> pageId) {
    public Delivery {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(fencingToken, "fencingToken");
        Objects.requireNonNull(reply, "reply");
        answeredAt = Objects.requireNonNull(answeredAt, "answeredAt").truncatedTo(ChronoUnit.MICROS);
        deliveredActions = Set.copyOf(deliveredActions);
        Objects.requireNonNull(pageId, "pageId");
    }

    /** An answer with no page of its own. */
    public Delivery(ConversationId conversationId, RunId runId, FencingToken fencingToken, AiReply reply,
                    Instant answeredAt, Set<Integer> deliveredActions) {
        this(conversationId, runId, fencingToken, reply, answeredAt, deliveredActions, Optional.empty());
    }

    /** A first attempt: nothing delivered yet. */
    public Delivery(ConversationId conversationId, RunId runId, FencingToken fencingToken, AiReply reply,
                    Instant answeredAt) {
        this(conversationId, runId, fencingToken, reply, answeredAt, Set.of(), Optional.empty());
    }

    public String idempotencyKey() {
        return runId.toString();
    }

    public List<Action> actions() {
        return reply.actions();
    }
}
