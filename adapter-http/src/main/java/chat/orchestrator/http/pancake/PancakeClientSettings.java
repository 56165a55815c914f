package chat.orchestrator.http.pancake;

import chat.orchestrator.http.outbound.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Pancake, for both modes. Validated once, at start, with messages that name the setting (and the
 * environment variable app-server maps to it). What only one mode needs (a page access token for the public API)
 * is checked by that mode's client when it is built.
 *
 * @param baseUrl         {@code PANCAKE_BASE_URL}
 * @param callbackPath    {@code PANCAKE_CALLBACK_PATH}: appended to the base URL in callback mode
 * @param accessToken     {@code PANCAKE_ACCESS_TOKEN}: in callback mode, sent as a bearer token when present (the
 *                        shared secret Pancake already presents to us, so one secret guards both directions)
 * @param pageId          {@code PANCAKE_PAGE_ID}: public API mode, the page to answer from unless a resolver knows
 * @param pageAccessToken {@code PANCAKE_PAGE_ACCESS_TOKEN}: public API mode, sent as Pancake asks, in the query
 * @param timeout         the longest one HTTP attempt may wait for Pancake's answer
 * @param maxAttempts     HTTP attempts per delivery attempt, the first included; after the last one the action
 *                        stays due in the outbox
 * @param initialBackoff  wait before the second attempt; doubles per attempt (with jitter) up to maxBackoff
 * @param maxBackoff      the longest wait between two attempts
 */
public record PancakeClientSettings(
        URI baseUrl,
        String callbackPath,
        Optional<String> accessToken,
        Optional<String> pageId,
        Optional<String> pageAccessToken,
        Duration timeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff) {

    public static final String DEFAULT_CALLBACK_PATH = "/api/v1/actions";
    // One quick retry absorbs a blip; a longer outage is the outbox's to ride out (backoff until the delivery
    // horizon), so an attempt never holds a holder or a claim for long.
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ATTEMPTS = 2;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(300);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);

    static final int MAX_ATTEMPTS_LIMIT = 10;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

    public PancakeClientSettings {
        baseUrl = OutboundHttp.baseUrl(baseUrl, "Pancake base URL (PANCAKE_BASE_URL)");
        if (callbackPath == null || !callbackPath.startsWith("/") || callbackPath.chars().anyMatch(
                c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == '?' || c == '#')) {
            throw new IllegalArgumentException("Pancake callback path (PANCAKE_CALLBACK_PATH) must start with / and"
                    + " have no spaces, query or fragment, got " + callbackPath);
        }
        accessToken = secret(accessToken, "Pancake access token (PANCAKE_ACCESS_TOKEN)");
        pageAccessToken = secret(pageAccessToken, "Pancake page access token (PANCAKE_PAGE_ACCESS_TOKEN)");
        pageId = secret(pageId, "Pancake page id (PANCAKE_PAGE_ID)");
        Objects.requireNonNull(timeout, "Pancake timeout is required");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("Pancake timeout must be more than 0 and at most 120 seconds, got " + timeout);
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException(
                    "Pancake max attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "Pancake initial backoff is required");
        Objects.requireNonNull(maxBackoff, "Pancake max backoff is required");
        // resilience4j refuses intervals under a millisecond.
        if (initialBackoff.toMillis() < 1) {
            throw new IllegalArgumentException("Pancake initial backoff must be at least 1 ms, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("Pancake max backoff (" + maxBackoff
                    + ") must not be shorter than the initial backoff (" + initialBackoff + ")");
        }
    }

    /** The documented defaults around one base URL: callback path {@code /api/v1/actions}, no tokens, 4 attempts. */
    public static PancakeClientSettings defaults(URI baseUrl) {
        return new PancakeClientSettings(baseUrl, DEFAULT_CALLBACK_PATH, Optional.empty(), Optional.empty(),
                Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    // The record's own toString would print both tokens into any log line that mentions the settings.
    @Override
    public String toString() {
        return "PancakeClientSettings[baseUrl=" + baseUrl + ", callbackPath=" + callbackPath
                + ", accessToken=" + (accessToken.isPresent() ? "(set)" : "(none)")
                + ", pageId=" + pageId.orElse("(none)")
                + ", pageAccessToken=" + (pageAccessToken.isPresent() ? "(set)" : "(none)")
                + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + "]";
    }

    private static Optional<String> secret(Optional<String> value, String name) {
        Objects.requireNonNull(value, name + " must be an Optional, not null");
        value.ifPresent(v -> {
            if (v.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank when set");
            }
            if (v.strip().chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException(name + " must not contain spaces or control characters");
            }
        });
        return value.map(String::strip);
    }
}
