package chat.orchestrator.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Loads {@code logback.xml} with the format ({@code LOG_FORMAT}: text or json) and level ({@code LOG_LEVEL}) asked
 * for, and bridges java.util.logging (Helidon's) into it. One line per record on standard error in either format.
 */
final class LogSetup {
    private LogSetup() {
    }

    static void configure(String level, String format) {
        String logbackLevel = switch (level) {
            case "WARNING" -> "WARN";
            default -> level;
        };
        boolean belowInfo = level.equals("TRACE") || level.equals("DEBUG");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty("orchestrator.log.level", logbackLevel);
        context.putProperty("orchestrator.log.helidon", belowInfo ? "INFO" : logbackLevel);
        context.putProperty("orchestrator.log.format", format);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL file = LogSetup.class.getResource("/logback.xml");
        try {
            configurator.doConfigure(file);
        } catch (JoranException broken) {
            throw new IllegalStateException("logback.xml could not be loaded", broken);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
