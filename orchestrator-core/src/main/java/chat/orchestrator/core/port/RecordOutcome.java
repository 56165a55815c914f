package chat.orchestrator.core.port;

/** What durable history knew of a message id when asked to record it. */
public enum RecordOutcome {
    /** First time seen: now recorded. */
    NEW,
    /** Recorded before but not yet part of a stored answer (still to be answered). */
    UNANSWERED,
    /** Recorded before and already answered. */
    ANSWERED
}
