package chat.orchestrator.core.port;

/** Whether {@link StatePort#accept} added a message to the pending set or had seen its id already. */
public enum AcceptOutcome {
    ACCEPTED,
    ALREADY_SEEN
}
