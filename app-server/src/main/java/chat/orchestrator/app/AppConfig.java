package chat.orchestrator.app;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.http.inbound.AdminJwtSettings;
import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.redis.RedisSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server reads from its environment, read once and validated at start (README.md, "Configuration";
 * environment.example lists every variable). Tokens are optional here: the embedded default generates missing ones (see
 * {@link Tokens}). Each optional store or service is empty when its variables are absent, and the embedded default
 * stands in for it.
 *
 * @param debug         {@code DEBUG}: also makes {@code DEBUG} the default log level
 * @param logFormat     {@code LOG_FORMAT}: {@code text} (the default, for a terminal) or {@code json} (one object per line)
 * @param metricsAccessToken {@code METRICS_ACCESS_TOKEN}: when present, {@code GET /metrics} requires it
 * @param redis         locks, pending messages, conversation and job state; empty: in memory
 * @param postgres      history and bot configuration; empty: in memory
 * @param ai            the AI service; empty: the built-in responder
 * @param pancake       where answers are delivered; empty: logged only
 * @param webhookSecret {@code PANCAKE_WEBHOOK_SECRET}: when present, webhook ingress requires its HMAC-SHA256 signature
 * @param limits        the load limits and the shutdown drain
 * @param adminJwt      {@code ADMIN_JWT_*}: when present, the admin endpoints also take a person's JWT
 */
public record AppConfig(
        String host,
        int port,
        Optional<String> pancakeAccessToken,
        Optional<String> adminAccessToken,
        String logLevel,
        String logFormat,
        boolean debug,
        String environment,
        long maxBodyBytes,
        Duration conversationStateTtl,
        OrchestratorSettings orchestrator,
        Optional<RedisSettings> redis,
        Optional<PostgresSettings> postgres,
        Optional<AiServiceConfig> ai,
        Optional<PancakeConfig> pancake,
        Optional<String> webhookSecret,
        Optional<String> metricsAccessToken,
        LoadLimits limits,
        Optional<AdminJwtSettings> adminJwt) {

    /** Read once here: both state stores keep a conversation's state this long, whichever serves. */
    static final String CONVERSATION_STATE_TTL = "CONVERSATION_STATE_TTL";

    private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "OFF");

    public AppConfig {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(postgres, "postgres");
        Objects.requireNonNull(ai, "ai");
        Objects.requireNonNull(pancake, "pancake");
        Objects.requireNonNull(webhookSecret, "webhookSecret");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(metricsAccessToken, "metricsAccessToken");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(adminJwt, "adminJwt");
    }

    public static AppConfig fromEnvironment(Map<String, String> variables) {
        Environment env = new Environment(variables);
        boolean debug = env.bool("DEBUG", false);
        String logLevel = env.choice("LOG_LEVEL", debug ? "DEBUG" : "INFO", LOG_LEVELS);
        Optional<String> pancakeAccessToken = env.optional("PANCAKE_ACCESS_TOKEN");
        // One default for both state stores, the Redis settings' (the in-memory store's own is the same hour).
        Duration conversationStateTtl = env.seconds(CONVERSATION_STATE_TTL,
                RedisSettings.DEFAULT_CONVERSATION_STATE_TTL, 60, 30 * 24 * 3_600);
        return new AppConfig(
                env.string("API_HOST", "0.0.0.0"),
                env.integer("API_PORT", 8000, 0, 65_535),
                pancakeAccessToken,
                env.optional("ADMIN_ACCESS_TOKEN"),
                logLevel,
                env.choice("LOG_FORMAT", "text", List.of("text", "json")),
                debug,
                env.string("ENVIRONMENT", "development"),
                env.integer("MAX_REQUEST_BODY_BYTES", 64 * 1024, 1_024, 16 * 1024 * 1024),
                conversationStateTtl,
                orchestrator(env),
                RedisConfig.read(env, conversationStateTtl),
                PostgresConfig.read(env),
                AiServiceConfig.read(env),
                PancakeConfig.read(env, pancakeAccessToken),
                env.optional("PANCAKE_WEBHOOK_SECRET"),
                env.optional("METRICS_ACCESS_TOKEN"),
                LoadLimits.read(env),
                AdminJwtConfig.read(env));
    }

    /** The core's settings: defaults and rules are {@link OrchestratorSettings}', the ranges are the server's. */
    private static OrchestratorSettings orchestrator(Environment env) {
        OrchestratorSettings defaults = OrchestratorSettings.defaults();
        Duration lockTtl = env.seconds("PROCESSING_LOCK_TTL", defaults.lockTtl(), 2, 3_600);
        Duration window = env.millis("CONSOLIDATION_WINDOW_MS", defaults.consolidationWindow(), 0, 60_000);
        // The server waits for quiet six windows at most, cut to what the lease allows.
        Duration sixWindows = window.multipliedBy(6);
        Duration maxWait = sixWindows.compareTo(lockTtl.dividedBy(2)) > 0 ? lockTtl.dividedBy(2) : sixWindows;
        // The TTL first: it shrinks the default consolidation bounds to fit, then ours replace them.
        OrchestratorSettings timed = Environment.validatedBy(
                () -> defaults.withLockTtl(lockTtl).withConsolidation(window, maxWait),
                Map.of("lockTtl", "PROCESSING_LOCK_TTL (" + lockTtl.toSeconds() + " s)",
                        "consolidationWindow", "CONSOLIDATION_WINDOW_MS (" + window.toMillis() + ")"));
        return timed
                .withCancelOnNewerMessage(env.bool("AI_CANCEL_ON_NEWER_MESSAGE", defaults.cancelOnNewerMessage()))
                .withAnswerWait(env.seconds("ANSWER_WAIT_SECONDS", defaults.answerWait(), 1, 3_600))
                .withSweepInterval(env.seconds("SWEEP_INTERVAL", defaults.sweepInterval(), 1, 3_600))
                .withHandoffIdleTimeout(env.seconds("HANDOFF_IDLE_TIMEOUT", defaults.handoffIdleTimeout(), 0,
                        30 * 24 * 3_600))
                .withDelivery(delivery(env, defaults.delivery()));
    }

    /** The outbox's horizon and backoff cap; the rest keeps its defaults. */
    private static DeliverySettings delivery(Environment env, DeliverySettings defaults) {
        Duration maxAge = env.seconds("PANCAKE_DELIVERY_MAX_AGE", defaults.maxAge(), 60, 30 * 24 * 3_600);
        Duration maxBackoff = env.seconds("PANCAKE_DELIVERY_MAX_BACKOFF", defaults.maxBackoff(), 1, 3_600);
        Duration initial = defaults.initialBackoff().compareTo(maxBackoff) > 0 ? maxBackoff : defaults.initialBackoff();
        return defaults.withMaxAge(maxAge).withBackoff(initial, maxBackoff);
    }

    /** The record's own would print both tokens and the webhook secret into any log line that shows the config. */
    @Override
    public String toString() {
        return "AppConfig[host=" + host + ", port=" + port
                + ", pancakeAccessToken=" + (pancakeAccessToken.isPresent() ? "(set)" : "(generated)")
                + ", adminAccessToken=" + (adminAccessToken.isPresent() ? "(set)" : "(generated)")
                + ", logLevel=" + logLevel + ", logFormat=" + logFormat + ", debug=" + debug + ", environment=" + environment
                + ", maxBodyBytes=" + maxBodyBytes + ", conversationStateTtl=" + conversationStateTtl
                + ", orchestrator=" + orchestrator + ", redis=" + redis + ", postgres=" + postgres + ", ai=" + ai
                + ", pancake=" + pancake + ", webhookSecret=" + (webhookSecret.isPresent() ? "(set)" : "(none)")
                + ", metricsAccessToken=" + (metricsAccessToken.isPresent() ? "(set)" : "(none)")
                + ", limits=" + limits + ", adminJwt=" + adminJwt + "]";
    }
}
