package chat.orchestrator.http.outbound;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code Retry-After} header (RFC 9110): seconds, or an HTTP date; anything else is ignored. Honoured by the
 * Pancake and the AI clients.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static Optional<Duration> parse(Optional<String> header, Clock clock) {
        return header.map(String::strip).filter(v -> !v.isEmpty()).flatMap(value -> {
            if (value.chars().allMatch(Character::isDigit)) {
                return value.length() > 9 ? Optional.of(Duration.ofDays(1)) : Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            }
            try {
                Duration until = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        });
    }
}
