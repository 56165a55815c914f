package chat.orchestrator.core.domain;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What submitting a message without waiting gives back: either an outcome decided at once (duplicate, locked,
 * failed), or the promise of the outcome a worker started for this message will decide.
 */
public sealed interface Submission {

    /** Decided at once; no worker was started for this message. */
    record Decided(MessageOutcome outcome) implements Submission {
        public Decided {
            Objects.requireNonNull(outcome);
        }
    }

    /**
     * This call took the conversation's lock and started its worker; the outcome follows. {@code fencingToken}
     * names that lock acquisition (safe to show: unlike the owner token, it cannot release the lock).
     */
    record Started(CompletableFuture<MessageOutcome> outcome, long fencingToken) implements Submission {
        public Started {
            Objects.requireNonNull(outcome);
        }
    }
}
