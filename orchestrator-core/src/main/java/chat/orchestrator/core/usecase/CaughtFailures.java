package chat.orchestrator.core.usecase;

import chat.orchestrator.core.port.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;

/**
 * How the core logs a failure it catches so as to go on: a store that cannot be reached is an outage, told in one
 * line at WARNING; anything else is a bug, told at ERROR with its stack trace, so it is never taken for an outage.
 */
public final class CaughtFailures {
    private CaughtFailures() {
    }

    /**
     * Logs {@code failure}, caught while {@code what} (a {@link MessageFormat} pattern over {@code arguments}, e.g.
     * "conversation={0} release failed") happened.
     */
    public static void report(System.Logger log, RuntimeException failure, String what, Object... arguments) {
        String line = MessageFormat.format(what, arguments) + ": " + failure.getMessage();
        if (failure instanceof StoreUnavailableException) {
            log.log(Level.WARNING, line);
        } else {
            log.log(Level.ERROR, line, failure);
        }
    }
}
