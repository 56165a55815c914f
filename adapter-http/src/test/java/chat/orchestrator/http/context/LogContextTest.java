package chat.orchestrator.http.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LogContextTest {

    @Test
    void aScopeEndsWithItsWork_andAThreadStartedInsideKeepsWhatItInherited() throws Exception {
        AtomicReference<Map<String, String>> seenByChild = new AtomicReference<>();
        Thread child;
        try (LogContext.Scope scope = LogContext.open(Map.of(LogContext.REQUEST_ID, "req-1"))) {
            LogContext.put(LogContext.CONVERSATION_ID, "c1");
            child = Thread.ofVirtual().unstarted(() -> seenByChild.set(LogContext.fields()));
            LogContext.put(LogContext.RUN_ID, "set after the child was made");
            child.start();
            assertEquals(Optional.of("req-1"), LogContext.requestId());
        }
        child.join();

        assertEquals(Map.of(), LogContext.fields(), "the connection's thread serves its next request clean");
        assertEquals(Map.of(LogContext.REQUEST_ID, "req-1", LogContext.CONVERSATION_ID, "c1"), seenByChild.get());
    }
}
