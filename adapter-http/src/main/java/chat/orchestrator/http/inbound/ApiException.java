package chat.orchestrator.http.inbound;

/** Stops a handler with an {@link ApiError}; the routing's error handler writes it as JSON. */
public final class ApiException extends RuntimeException {
    private final transient ApiError error;

    public ApiException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
