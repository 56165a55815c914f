package chat.orchestrator.http.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);

    private Optional<Duration> parse(String header) {
        return RetryAfter.parse(Optional.ofNullable(header), clock);
    }

    @Test
    void secondsAndHttpDatesAreRead() {
        assertEquals(Optional.of(Duration.ofSeconds(2)), parse("2"));
        assertEquals(Optional.of(Duration.ofSeconds(120)), parse(" 120 "));
        assertEquals(Optional.of(Duration.ofSeconds(90)), parse("Sun, 29 Nov 2026 10:01:30 GMT"));
    }

    @Test
    void aDateInThePastMeansAtOnce_andAnAbsurdNumberIsBounded() {
        assertEquals(Optional.of(Duration.ZERO), parse("Sun, 29 Nov 2026 09:00:00 GMT"));
        assertEquals(Optional.of(Duration.ofDays(1)), parse("99999999999999999999"));
    }

    @Test
    void anythingElseIsIgnored() {
        assertEquals(Optional.empty(), parse(null));
        assertEquals(Optional.empty(), parse(""));
        assertEquals(Optional.empty(), parse("-5"));
        assertEquals(Optional.empty(), parse("soon"));
    }
}
