package chat.orchestrator.http.pancake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * What one attempt to reach Pancake came to. Pancake reports some failures with HTTP 200 and
 * {@code "success": false}, so the status code alone does not say whether a message went out.
 */
sealed interface PancakeOutcome {
    /** Pancake's codes for a bad or expired token: the same request will fail until an operator fixes it. */
    Set<String> AUTH_ERROR_CODES = Set.of("4001", "4003");
    /** Pancake's code for rate limiting: worth another attempt after a backoff. */
    Set<String> RETRYABLE_ERROR_CODES = Set.of("4029");

    /** How long to hold off after Pancake's rate-limit code, which comes without a Retry-After. */
    Duration RATE_LIMIT_WAIT = Duration.ofSeconds(5);

    /** Pancake took it. */
    record Delivered() implements PancakeOutcome {
    }

    /** Not taken, for a reason that may pass: an outage, a timeout, rate limiting; with Pancake's Retry-After. */
    record Retryable(String reason, Optional<Duration> retryAfter) implements PancakeOutcome {
        Retryable(String reason) {
            this(reason, Optional.empty());
        }
    }

    /** Refused for the request itself (auth, a 4xx): the same request would be refused again. */
    record Rejected(String reason) implements PancakeOutcome {
    }

    /** The calling thread was interrupted (shutdown); whether this attempt arrived is unknown. */
    record Interrupted(String reason) implements PancakeOutcome {
    }

    /** Classifies one HTTP answer, with its {@code Retry-After} if it had one. */
    static PancakeOutcome of(int status, String body, ObjectMapper json, Optional<Duration> retryAfter) {
        if (status >= 200 && status < 300) {
            return pancakeError(body, json);
        }
        String reason = "HTTP " + status + excerpt(body);
        if (status == 408 || status == 429 || status >= 500) {
            return new Retryable(reason, retryAfter);
        }
        return new Rejected(reason);
    }

    private static PancakeOutcome pancakeError(String body, ObjectMapper json) {
        JsonNode answer;
        try {
            answer = json.readTree(body);
        } catch (IOException notJson) {
            // A 2xx whose body we cannot read is still a 2xx: claiming failure would resend a delivered message.
            return new Delivered();
        }
        if (answer == null || !answer.path("success").isBoolean() || answer.path("success").asBoolean()) {
            return new Delivered();
        }
        String code = answer.path("error_code").asText("");
        String reason = "Pancake error " + (code.isEmpty() ? "(no code)" : code) + ": "
                + answer.path("message").asText("(no message)");
        if (RETRYABLE_ERROR_CODES.contains(code)) {
            // Rate limited without a Retry-After: wait a little longer than an outage's first backoff.
            return new Retryable(reason, Optional.of(RATE_LIMIT_WAIT));
        }
        if (AUTH_ERROR_CODES.contains(code)) {
            return new Rejected(reason + " (auth failure, not retried)");
        }
        // An unknown code is not retried: we cannot tell it will pass, and retrying blindly repeats the refusal.
        return new Rejected(reason);
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.replaceAll("\\s+", " ").strip();
        return ": " + (flat.length() <= 200 ? flat : flat.substring(0, 200) + "…");
    }
}
