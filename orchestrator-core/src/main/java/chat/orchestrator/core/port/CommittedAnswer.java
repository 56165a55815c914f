package chat.orchestrator.core.port;

import java.util.Objects;
import java.util.Optional;

/**
 * What storing an answer came to: the fenced write, and, when it committed with nothing older of its conversation
 * waiting in the outbox, the holder's claim on it, written in the same step ({@link HistoryPort#commitAnswer}). The
 * claimed delivery is built from the answer just stored, and equals what a claim rebuilds from the store.
 */
public record CommittedAnswer(FencedWrite write, Optional<ClaimedDelivery> claim) {
    public CommittedAnswer {
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(claim, "claim");
        if (write instanceof FencedWrite.Refused && claim.isPresent()) {
            throw new IllegalArgumentException("a refused answer claims nothing");
        }
    }
}
