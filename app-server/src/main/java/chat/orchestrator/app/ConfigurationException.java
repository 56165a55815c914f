package chat.orchestrator.app;

/** A configuration value is missing or malformed; the message names the variable and what is expected. */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }

    /** An adapter refused a value; its message already names the variable. */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
