package chat.orchestrator.core.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The conversation is with people: the bot records its messages but does not answer them until someone hands it
 * back, or until it has been idle (no message received) for the idle timeout. {@code lastActivity} starts at
 * {@code since} and moves with every message received while handed off.
 */
public record Handoff(Instant since, By by, String reason, Instant lastActivity) {
    /** Longest reason kept, in characters; an admin's longer one is refused. */
    public static final int MAX_REASON = 500;

    /** Who handed the conversation off. */
    public enum By {
        /** An answer of the AI with a {@code transfer_to_agent} action, once it was stored. */
        AI,
        /** An operator, through the admin API. */
        ADMIN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static By fromWireName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public Handoff {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(lastActivity, "lastActivity");
        if (reason.length() > MAX_REASON) {
            throw new InvalidInputException("reason", "must be at most " + MAX_REASON + " characters");
        }
    }

    /** A hand-off starting now, its idle clock with it. */
    public static Handoff starting(Instant at, By by, String reason) {
        return new Handoff(at, by, reason, at);
    }

    /**
     * Whether people still have the conversation at {@code now}: until {@code idleTimeout} has passed since the last
     * message received; a zero timeout never ends it.
     */
    public boolean activeAt(Instant now, Duration idleTimeout) {
        return idleTimeout.isZero() || now.isBefore(lastActivity.plus(idleTimeout));
    }
}
