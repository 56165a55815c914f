package chat.orchestrator.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import chat.orchestrator.http.context.LogContext;
import chat.orchestrator.http.inbound.LogValues;
import java.util.Map;

/**
 * {@code %ids} in the text format: the logging thread's {@link LogContext} ids as {@code key="value"} pairs after
 * the message, quoted and escaped like every client-supplied value in a text log line.
 */
public final class LogContextConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> fields = LogContext.fields();
        if (fields.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        fields.forEach((key, value) -> text.append(' ').append(key).append('=').append(LogValues.quote(value)));
        return text.toString();
    }
}
