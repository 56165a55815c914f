package chat.orchestrator.core.port;

import java.time.Instant;
import java.util.Objects;

/**
 * An answer claimed for one delivery attempt: no other claimer gets it until {@code claimedUntil} (renewable) or
 * until the attempt is recorded. {@code claimedUntil} is the store's time, which judges claims (see
 * {@link OutboxPort}); a claimer's own clock may disagree with it. {@code attempts} were made before this one; {@code queuedAt} starts the delivery
 * horizon (the answer's commit, or an operator's retry).
 */
public record ClaimedDelivery(Delivery delivery, String claimToken, Instant claimedUntil, int attempts,
                              Instant queuedAt) {
    public ClaimedDelivery {
        Objects.requireNonNull(delivery, "delivery");
        if (claimToken == null || claimToken.isBlank()) {
            throw new IllegalArgumentException("claimToken must not be blank");
        }
        Objects.requireNonNull(claimedUntil, "claimedUntil");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
        Objects.requireNonNull(queuedAt, "queuedAt");
    }

    public RunId runId() {
        return delivery.runId();
    }
}
