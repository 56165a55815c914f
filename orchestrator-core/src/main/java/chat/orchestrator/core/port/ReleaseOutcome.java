package chat.orchestrator.core.port;

/** The result of releasing a lock only if nothing is pending, decided in one atomic step. */
public enum ReleaseOutcome {
    /** The lock was ours and nothing was pending: it is deleted. */
    RELEASED,
    /** The lock is still ours because messages are pending: the holder must keep working. */
    PENDING_REMAIN,
    /** The lock was no longer ours (expired, force-released or taken by another): nothing was changed. */
    NOT_OWNER
}
