package chat.orchestrator.http.inbound;

import io.helidon.webserver.CloseConnectionException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How long a client may take to send a request body once its headers are in. Helidon 4.5 has no such timeout (its
 * idle timeout only covers the wait for the next request line), so a client that sends headers and then a body a
 * byte a minute would hold a connection and a virtual thread for ever. A read that passes the deadline is
 * interrupted, which closes the socket: the client gets no answer, which is all a client that stopped sending can
 * expect.
 */
final class BodyDeadline {
    private static final System.Logger LOG = System.getLogger(BodyDeadline.class.getName());
    // One daemon thread for every server of the JVM: it only fires alarms, never reads or writes.
    private static final ScheduledThreadPoolExecutor ALARMS = alarms();

    private static ScheduledThreadPoolExecutor alarms() {
        ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "body-read-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // A read that finishes cancels its alarm; without this the cancelled alarm stays queued for the whole
        // timeout, one per request (20 s of every request's alarm under load).
        alarms.setRemoveOnCancelPolicy(true);
        return alarms;
    }

    private final Duration timeout;

    BodyDeadline(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("body read timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    /** How many alarms wait in the queue, for the test that no finished read leaves one behind. */
    static int queuedAlarms() {
        return ALARMS.getQueue().size();
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Runs {@code read} on this thread; past the deadline the thread is interrupted and the connection closed.
     *
     * @throws CloseConnectionException when the deadline passed
     */
    <T> T read(Supplier<T> read) {
        Alarm alarm = new Alarm(Thread.currentThread());
        ScheduledFuture<?> scheduled = ALARMS.schedule(alarm::fire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return read.get();
        } catch (RuntimeException failed) {
            if (alarm.finish()) {
                LOG.log(System.Logger.Level.INFO, "request body not received within {0} ms: connection closed",
                        timeout.toMillis());
                throw new CloseConnectionException("request body not received in time", failed);
            }
            throw failed;
        } finally {
            scheduled.cancel(false);
            if (alarm.finish()) {
                // The alarm fired after the read returned: the interrupt is ours, not the caller's.
                Thread.interrupted();
            }
        }
    }

    /** Interrupts the reader unless it finished first; both sides decide under one lock, so no interrupt leaks. */
    private static final class Alarm {
        private final Thread reader;
        private boolean finished;
        private boolean fired;

        Alarm(Thread reader) {
            this.reader = reader;
        }

        synchronized void fire() {
            if (!finished) {
                fired = true;
                reader.interrupt();
            }
        }

        /** Marks the read finished; true if the alarm had already fired. */
        synchronized boolean finish() {
            finished = true;
            return fired;
        }
    }
}
