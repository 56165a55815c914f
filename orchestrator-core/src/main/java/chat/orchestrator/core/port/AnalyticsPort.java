package chat.orchestrator.core.port;

/**
 * What an owner reads about the last hours, computed from the history that {@link HistoryPort} and
 * {@link OutboxPort} keep: traffic per hour, what became of it, actions, AI latency per model, delivery failures and
 * hand-offs. Read-only; throws {@link StoreUnavailableException} when the store cannot be reached.
 */
public interface AnalyticsPort {

    /**
     * The figures of {@code window}. Messages count by when they were recorded; answers, discarded runs, their
     * actions, latencies and deliveries by when the AI finished them ({@link AiRun#finishedAt()}).
     */
    AnalyticsReport report(AnalyticsWindow window);
}
