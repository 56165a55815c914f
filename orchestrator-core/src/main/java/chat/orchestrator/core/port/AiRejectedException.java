package chat.orchestrator.core.port;

/**
 * The AI service refused the request in a way that asking again will not change (a bad API key, an unknown model, a
 * request it calls malformed): a misconfiguration only an operator can fix. The core ends the attempt at once,
 * reports it apart from a passing outage, and holds back the sweeper's retries; the burst stays pending.
 */
public class AiRejectedException extends AiUnavailableException {
    public AiRejectedException(String message) {
        super(message);
    }

    public AiRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
