package chat.orchestrator.core.port;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LockPort#acceptAndTryAcquire} did in its one step: whether the message was accepted (or its id seen
 * before), and the lease if the lock was free once the message was in the pending set.
 */
public record Admission(AcceptOutcome accept, Optional<Lease> lease) {
    public Admission {
        Objects.requireNonNull(accept, "accept");
        Objects.requireNonNull(lease, "lease");
    }
}
