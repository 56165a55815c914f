package chat.orchestrator.http.inbound;

/**
 * How much load one instance takes before it refuses, so that overload is answered at once with a status a client
 * or balancer knows how to back off from, instead of a queue that grows until everything times out.
 *
 * @param maxConcurrentRequests requests handled at the same time on the listener (0: no limit); beyond it Helidon
 *                              answers 503 with {@code Retry-After} before routing
 * @param messagesPerSecond     requests per second this instance accepts on the message endpoints (0: no limit);
 *                              beyond it 429 with {@code Retry-After}
 */
public record ServerLimits(int maxConcurrentRequests, int messagesPerSecond) {
    public static final ServerLimits NONE = new ServerLimits(0, 0);

    public ServerLimits {
        if (maxConcurrentRequests < 0) {
            throw new IllegalArgumentException("maxConcurrentRequests must not be negative, got " + maxConcurrentRequests);
        }
        if (messagesPerSecond < 0) {
            throw new IllegalArgumentException("messagesPerSecond must not be negative, got " + messagesPerSecond);
        }
    }
}
