package chat.orchestrator.core.port;

/**
 * A store (Redis, PostgreSQL) could not be reached or did not answer in time. Retryable: nothing was decided,
 * so the caller may try again later; never treated as a granted lock or a successful write.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
