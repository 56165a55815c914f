package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.MessageId;
import java.util.Set;

/** How one guarded AI call ended. */
sealed interface AiCallResult {

    /**
     * The AI answered and the lease was still ours afterwards (renewed); {@code pendingIds} were pending at that
     * renewal, read in the same step: an id among them the batch did not know makes the answer stale.
     */
    record Answered(AiReply reply, Set<MessageId> pendingIds) implements AiCallResult {
        public Answered {
            pendingIds = Set.copyOf(pendingIds);
        }
    }

    /** A newer message arrived and the call was cancelled before it finished. */
    record CancelledByNewerMessage() implements AiCallResult {
    }

    /** The lease could not be renewed: another holder may be working, so nothing may be written or sent. */
    record LeaseLost() implements AiCallResult {
    }

    /** The AI service failed; the burst stays pending. */
    record Failed(String reason) implements AiCallResult {
    }

    /** The AI service refused the request for good (misconfigured); the burst stays pending, unanswered. */
    record Rejected(String reason) implements AiCallResult {
    }
}
