package chat.orchestrator.core.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import chat.orchestrator.core.port.StoreUnavailableException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An outage is told in one line; a bug with its stack trace, at ERROR, so the two are never confused. */
class CaughtFailuresTest {
    private static final String NAME = "chat.orchestrator.core.usecase.CaughtFailuresTest";
    private static final System.Logger LOG = System.getLogger(NAME);
    /** Kept referenced: a logger configured and then collected loses its handler. */
    private static final Logger JUL = Logger.getLogger(NAME);

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        JUL.addHandler(capture);
        JUL.setUseParentHandlers(false);
        JUL.setLevel(Level.ALL);
    }

    @AfterEach
    void release() {
        JUL.removeHandler(capture);
        JUL.setUseParentHandlers(true);
        JUL.setLevel(null);
    }

    @Test
    void aStoreThatCannotBeReachedIsAWarningOfOneLine() {
        CaughtFailures.report(LOG, new StoreUnavailableException("Redis down"), "conversation={0} release failed", "c1");

        LogRecord record = records.getFirst();
        assertEquals(Level.WARNING, record.getLevel());
        assertEquals("conversation=c1 release failed: Redis down", record.getMessage());
        assertNull(record.getThrown());
    }

    @Test
    void anythingElseIsABugToldAtErrorWithItsStackTrace() {
        IllegalStateException bug = new IllegalStateException("no such state");

        CaughtFailures.report(LOG, bug, "job={0} could not be updated", "j1");

        LogRecord record = records.getFirst();
        assertEquals(Level.SEVERE, record.getLevel());
        assertEquals("job=j1 could not be updated: no such state", record.getMessage());
        assertSame(bug, record.getThrown());
    }
}
