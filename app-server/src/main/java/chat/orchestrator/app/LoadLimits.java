package chat.orchestrator.app;

import java.time.Duration;

/**
 * What one instance takes on before it refuses or queues (docs/operations.md sizes them).
 *
 * @param maxConcurrentRequests {@code MAX_CONCURRENT_REQUESTS}: requests handled at once (0: no limit); beyond, 503
 * @param rateLimitPerSecond    {@code RATE_LIMIT_PER_SECOND}: message requests per second (0: no limit); beyond, 429
 * @param aiMaxConcurrentCalls  {@code AI_MAX_CONCURRENT_CALLS}: AI calls at once; the others wait their turn
 * @param readinessDrain        {@code SHUTDOWN_DRAIN_SECONDS}: how long readiness reports 503 before the listener
 *                              closes on shutdown, so balancers stop sending first
 */
record LoadLimits(int maxConcurrentRequests, int rateLimitPerSecond, int aiMaxConcurrentCalls, Duration readinessDrain) {
    static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 1_000;
    static final int DEFAULT_AI_MAX_CONCURRENT_CALLS = 64;
    static final Duration DEFAULT_READINESS_DRAIN = Duration.ofSeconds(5);

    static LoadLimits read(Environment env) {
        return new LoadLimits(
                env.integer("MAX_CONCURRENT_REQUESTS", DEFAULT_MAX_CONCURRENT_REQUESTS, 0, 1_000_000),
                env.integer("RATE_LIMIT_PER_SECOND", 0, 0, 1_000_000),
                env.integer("AI_MAX_CONCURRENT_CALLS", DEFAULT_AI_MAX_CONCURRENT_CALLS, 1, 100_000),
                env.seconds("SHUTDOWN_DRAIN_SECONDS", DEFAULT_READINESS_DRAIN, 0, 10));
    }
}
