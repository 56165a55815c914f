package chat.orchestrator.core.port;

/**
 * The AI service failed or gave an answer we cannot use; the burst stays pending. A refusal that retrying cannot
 * change is the subtype {@link AiRejectedException}.
 */
public class AiUnavailableException extends RuntimeException {
    public AiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public AiUnavailableException(String message) {
        super(message);
    }
}
