package chat.orchestrator.http.ai;

import chat.orchestrator.http.outbound.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the AI service, for both protocols. Validated once, at start, with messages that name the setting
 * (and the environment variable app-server maps to it), so a misconfigured deployment fails before its first call.
 *
 * @param serviceUrl     {@code AI_SERVICE_URL}: the base URL; {@code /chat/completions} (OpenAI) or {@code /answer}
 *                       (native) is appended to it, so an OpenAI-compatible URL usually ends in {@code /v1}
 * @param model          {@code AI_MODEL}: required by the OpenAI protocol; elsewhere only the fallback for
 *                       {@code model_used} when the service does not name its model
 * @param apiKey         {@code AI_API_KEY}: sent as a bearer token when present
 * @param temperature    sampling temperature for the OpenAI protocol, 0 to 2
 * @param timeout        {@code AI_SERVICE_TIMEOUT}: the longest one HTTP attempt may wait for an answer
 * @param maxAttempts    attempts per call, the first included; timeouts, connection errors, 429 and 5xx are retried
 * @param initialBackoff wait before the second attempt; doubles per attempt (with jitter) up to maxBackoff
 * @param maxBackoff     the longest wait between two attempts
 */
public record AiClientSettings(
        URI serviceUrl,
        Optional<String> model,
        Optional<String> apiKey,
        double temperature,
        Duration timeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff) {

    public static final double DEFAULT_TEMPERATURE = 0.2;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

    static final int MAX_ATTEMPTS_LIMIT = 10;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    public AiClientSettings {
        serviceUrl = OutboundHttp.baseUrl(serviceUrl, "AI service URL (AI_SERVICE_URL)");
        model = nonBlankIfPresent(model, "AI model (AI_MODEL)");
        apiKey = nonBlankIfPresent(apiKey, "AI API key (AI_API_KEY)");
        if (Double.isNaN(temperature) || temperature < 0 || temperature > 2) {
            throw new IllegalArgumentException("AI temperature must be between 0 and 2, got " + temperature);
        }
        Objects.requireNonNull(timeout, "AI timeout (AI_SERVICE_TIMEOUT) is required");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "AI timeout (AI_SERVICE_TIMEOUT) must be more than 0 and at most 600 seconds, got " + timeout);
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException(
                    "AI max attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "AI initial backoff is required");
        Objects.requireNonNull(maxBackoff, "AI max backoff is required");
        // resilience4j refuses intervals under a millisecond.
        if (initialBackoff.toMillis() < 1) {
            throw new IllegalArgumentException("AI initial backoff must be at least 1 ms, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("AI max backoff (" + maxBackoff
                    + ") must not be shorter than the initial backoff (" + initialBackoff + ")");
        }
    }

    /** The documented defaults around one service URL: no model, no key, 30 s per attempt, 3 attempts. */
    public static AiClientSettings defaults(URI serviceUrl) {
        return new AiClientSettings(serviceUrl, Optional.empty(), Optional.empty(), DEFAULT_TEMPERATURE,
                DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** The URL of one endpoint under the service URL, e.g. {@code /chat/completions}. */
    URI endpoint(String path) {
        return URI.create(serviceUrl + path);
    }

    // The record's own toString would print the API key into any log line that mentions the settings.
    @Override
    public String toString() {
        return "AiClientSettings[serviceUrl=" + serviceUrl + ", model=" + model.orElse("(none)")
                + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)") + ", temperature=" + temperature
                + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + "]";
    }

    private static Optional<String> nonBlankIfPresent(Optional<String> value, String name) {
        Objects.requireNonNull(value, name + " must be an Optional, not null");
        value.ifPresent(v -> {
            if (v.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank when set");
            }
            if (v.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(name + " must not contain control characters");
            }
        });
        return value.map(String::strip);
    }
}
