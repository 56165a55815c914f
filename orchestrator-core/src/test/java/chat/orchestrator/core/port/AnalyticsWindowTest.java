package chat.orchestrator.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalyticsWindowTest {
    private static final Instant NOW = Instant.parse("2026-11-29T14:37:12Z");

    @Test
    void theLast24Hours_areTheCurrentHourAndThe23Before() {
        AnalyticsWindow window = AnalyticsWindow.lastHours(NOW, 24);

        assertEquals(Instant.parse("2026-11-28T15:00:00Z"), window.from());
        assertEquals(NOW, window.to());
        assertEquals(24, window.hourStarts().size());
        assertEquals(Instant.parse("2026-11-29T14:00:00Z"), window.hourStarts().getLast());
    }

    @Test
    void aWindowEndingOnTheHour_stillHasItsLastHour() {
        AnalyticsWindow window = AnalyticsWindow.lastHours(Instant.parse("2026-11-29T14:00:00Z"), 1);

        assertEquals(List.of(Instant.parse("2026-11-29T14:00:00Z")), window.hourStarts());
        assertEquals(false, window.contains(window.to()));
    }

    @Test
    void hoursOutsideOneTo720_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> AnalyticsWindow.lastHours(NOW, 0));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsWindow.lastHours(NOW, 721));
        assertEquals(720, AnalyticsWindow.lastHours(NOW, 720).hourStarts().size());
        assertThrows(IllegalArgumentException.class, () -> new AnalyticsWindow(NOW, NOW.plusSeconds(1)));
    }

    @Test
    void percentilesInterpolateBetweenTheNearestRuns_asPercentileContDoes() {
        ModelLatency latency = ModelLatency.of("gpt-a", List.of(400L, 100L, 300L, 200L));

        assertEquals(4, latency.calls());
        assertEquals(250, latency.p50Millis(), 1e-9);
        assertEquals(385, latency.p95Millis(), 1e-9);
        assertEquals(397, latency.p99Millis(), 1e-9);
        assertEquals(new ModelLatency("one", 1, 7, 7, 7), ModelLatency.of("one", List.of(7L)));
    }
}
