package chat.orchestrator.http.context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ids that name what the current thread is working on (request, conversation, message, run), for log lines and
 * for the {@code X-Request-Id} sent on to the AI and Pancake. Inheritable: the core starts a conversation's worker, its
 * AI call and its sends on new threads from the thread that took the work, so they carry the ids of the request that
 * started them without the core knowing about requests. Each thread holds an immutable map, so a change made by one
 * thread is never seen by the threads it already started.
 */
public final class LogContext {
    public static final String REQUEST_ID = "request_id";
    public static final String CONVERSATION_ID = "conversation_id";
    public static final String MESSAGE_ID = "message_id";
    public static final String RUN_ID = "run_id";

    private static final InheritableThreadLocal<Map<String, String>> FIELDS = new InheritableThreadLocal<>() {
        @Override
        protected Map<String, String> initialValue() {
            return Map.of();
        }
    };

    private LogContext() {
    }

    /** This thread's ids, in the order they were set. */
    public static Map<String, String> fields() {
        return FIELDS.get();
    }

    public static Optional<String> requestId() {
        return Optional.ofNullable(FIELDS.get().get(REQUEST_ID));
    }

    /** Sets one id for the rest of this thread's work (and the threads it starts from now on). */
    public static void put(String key, String value) {
        Map<String, String> next = new LinkedHashMap<>(FIELDS.get());
        next.put(key, value);
        FIELDS.set(java.util.Collections.unmodifiableMap(next));
    }

    /**
     * Replaces this thread's ids with {@code fields} until the returned scope is closed, which puts back what was
     * there: for threads that serve one piece of work after another (a connection's requests).
     */
    public static Scope open(Map<String, String> fields) {
        Map<String, String> before = FIELDS.get();
        FIELDS.set(Map.copyOf(fields));
        return () -> FIELDS.set(before);
    }

    /** Ends what {@link #open} began. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
