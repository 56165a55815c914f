package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationId;
import java.time.Duration;
import java.util.Objects;

/** What an admin sees of a held lock: its owner, the fencing token of that acquisition and the time left. */
public record LockInfo(ConversationId conversationId, String ownerToken, FencingToken fencingToken, Duration remainingTtl) {
    public LockInfo {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(ownerToken, "ownerToken");
        Objects.requireNonNull(fencingToken, "fencingToken");
        Objects.requireNonNull(remainingTtl, "remainingTtl");
    }
}
