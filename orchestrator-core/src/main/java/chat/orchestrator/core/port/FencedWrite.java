package chat.orchestrator.core.port;

/** The result of a write guarded by a fencing token: done, or refused with the reason. */
public sealed interface FencedWrite {

    /** The write is durable. */
    record Committed() implements FencedWrite {
    }

    /** Nothing was written. */
    record Refused(Reason reason) implements FencedWrite {
    }

    /** Why a fenced write was refused. */
    enum Reason {
        /** A holder with a newer fencing token has written for this conversation: this holder is superseded. */
        STALE_FENCING_TOKEN,
        /** One of the messages was already consumed by an answer that was stored: answering again would double it. */
        ALREADY_ANSWERED
    }

    static FencedWrite committed() {
        return new Committed();
    }

    static FencedWrite refused(Reason reason) {
        return new Refused(reason);
    }
}
