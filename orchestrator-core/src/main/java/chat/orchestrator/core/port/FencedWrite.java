package chat.orchestrator.core.port;

import java.util.Objects;
import java.util.Optional;

/** The result of a write guarded by a fencing token: done, or refused with the reason. */
public sealed interface FencedWrite {

    /** The write is durable. */
    record Committed() implements FencedWrite {
    }

    /**
     * Nothing was written. A refusal for a stale token carries the highest token the store has seen, so a holder
     * whose lock store handed out a lower one (its counter was lost) can lift the counter above it.
     */
    record Refused(Reason reason, Optional<FencingToken> highestSeen) implements FencedWrite {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(highestSeen, "highestSeen");
        }

        public Refused(Reason reason) {
            this(reason, Optional.empty());
        }
    }

    /** Why a fenced write was refused. */
    enum Reason {
        /** A holder with a newer fencing token has written for this conversation: this holder is superseded. */
        STALE_FENCING_TOKEN,
        /** One of the messages was already consumed by an answer that was stored: answering again would double it. */
        ALREADY_ANSWERED,
        /** A burst was to be stored as the people's, but the conversation was handed back to the bot meanwhile. */
        NOT_HANDED_OFF
    }

    static FencedWrite committed() {
        return new Committed();
    }

    static FencedWrite refused(Reason reason) {
        return new Refused(reason);
    }

    static FencedWrite stale(long highestSeen) {
        return new Refused(Reason.STALE_FENCING_TOKEN, Optional.of(new FencingToken(highestSeen)));
    }
}
