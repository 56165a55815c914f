package chat.orchestrator.core.domain;

import java.time.Instant;
import java.util.Objects;

/** One earlier exchange in a conversation, as the AI sees it: a customer message or an answer really sent. */
public record Turn(Role role, String text, Instant at) {
    /** Who spoke in a turn. */
    public enum Role { CUSTOMER, BOT }

    public Turn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
    }
}
