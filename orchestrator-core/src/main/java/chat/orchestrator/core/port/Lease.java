package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationId;
import java.util.Objects;

/** Proof of holding a conversation's lock: who holds it (owner token) and which acquisition it was (fencing token). */
public record Lease(ConversationId conversationId, String ownerToken, FencingToken fencingToken) {
    public Lease {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(fencingToken, "fencingToken");
        if (ownerToken == null || ownerToken.isBlank()) {
            throw new IllegalArgumentException("ownerToken must not be blank");
        }
    }
}
