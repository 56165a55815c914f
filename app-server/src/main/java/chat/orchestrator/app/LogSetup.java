package chat.orchestrator.app;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on standard error, at the level LOG_LEVEL asks for (the JDK's logging, no library). */
final class LogSetup {
    private LogSetup() {
    }

    static void configure(String level) {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Level julLevel = switch (level) {
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "WARNING", "WARN" -> Level.WARNING;
            case "ERROR" -> Level.SEVERE;
            case "OFF" -> Level.OFF;
            default -> Level.INFO;
        };
        Handler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(julLevel);
        Logger root = Logger.getLogger("");
        root.setLevel(julLevel);
        root.addHandler(console);
        // Helidon is chatty below INFO; our own loggers follow LOG_LEVEL.
        Logger.getLogger("io.helidon").setLevel(julLevel.intValue() < Level.INFO.intValue() ? Level.INFO : julLevel);
    }
}
