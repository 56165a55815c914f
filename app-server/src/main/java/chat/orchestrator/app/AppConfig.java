package chat.orchestrator.app;

import chat.orchestrator.core.OrchestratorSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server reads from its environment, read once and validated at start (SPEC "Configuration").
 * Tokens are optional here: the embedded default generates missing ones (see {@link Tokens}).
 */
public record AppConfig(
        String host,
        int port,
        Optional<String> pancakeAccessToken,
        Optional<String> adminAccessToken,
        String logLevel,
        String environment,
        long maxBodyBytes,
        Duration conversationStateTtl,
        OrchestratorSettings orchestrator) {

    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "OFF");

    public static AppConfig fromEnvironment(Map<String, String> variables) {
        Environment env = new Environment(variables);
        String logLevel = env.string("LOG_LEVEL", env.bool("DEBUG", false) ? "DEBUG" : "INFO").toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new ConfigurationException("LOG_LEVEL must be one of " + LOG_LEVELS + ", got '" + logLevel + "'");
        }
        Duration lockTtl = env.seconds("PROCESSING_LOCK_TTL", Duration.ofSeconds(30), 2, 3_600);
        Duration window = env.millis("CONSOLIDATION_WINDOW_MS", Duration.ofMillis(800), 0, 60_000);
        Duration maxWait = window.multipliedBy(6).compareTo(lockTtl.dividedBy(2)) > 0
                ? lockTtl.dividedBy(2) : window.multipliedBy(6);
        if (window.compareTo(maxWait) > 0) {
            throw new ConfigurationException("CONSOLIDATION_WINDOW_MS must be at most half of PROCESSING_LOCK_TTL");
        }
        OrchestratorSettings orchestrator = OrchestratorSettings.defaults()
                .withLockTtl(lockTtl)
                .withConsolidation(window, maxWait)
                .withCancelOnNewerMessage(env.bool("AI_CANCEL_ON_NEWER_MESSAGE", false));
        return new AppConfig(
                env.string("API_HOST", "0.0.0.0"),
                env.integer("API_PORT", 8000, 0, 65_535),
                env.optional("PANCAKE_ACCESS_TOKEN"),
                env.optional("ADMIN_ACCESS_TOKEN"),
                logLevel,
                env.string("ENVIRONMENT", "development"),
                env.integer("MAX_REQUEST_BODY_BYTES", 64 * 1024, 1_024, 16 * 1024 * 1024),
                env.seconds("CONVERSATION_STATE_TTL", Duration.ofHours(1), 60, 30 * 24 * 3_600),
                orchestrator);
    }
}
