package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.DeliveryReport;
import java.time.Instant;
import java.util.Objects;

/**
 * What one delivery attempt came to, as the dispatcher decided: the per-action report, the answer's state after it,
 * and, while it stays PENDING, when it is due again. {@code counted} is false for an attempt cut short before it
 * reached Pancake (shutdown), which leaves the answer due without using up an attempt.
 */
public record DeliveryAttempt(DeliveryReport report, DeliveryState state, Instant nextAttemptAt, Instant at,
                              boolean counted) {
    public DeliveryAttempt {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(at, "at");
    }
}
