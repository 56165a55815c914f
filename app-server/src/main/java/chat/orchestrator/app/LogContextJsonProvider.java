package chat.orchestrator.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import chat.orchestrator.http.context.LogContext;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Writes the logging thread's {@link LogContext} ids (request_id, conversation_id, message_id, run_id) as top-level
 * fields of each JSON log line. Read when the line is encoded, which the console appender does on the logging
 * thread; an asynchronous appender in front of it would read the wrong thread.
 */
public final class LogContextJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        for (Map.Entry<String, String> field : LogContext.fields().entrySet()) {
            generator.writeStringField(field.getKey(), field.getValue());
        }
    }
}
