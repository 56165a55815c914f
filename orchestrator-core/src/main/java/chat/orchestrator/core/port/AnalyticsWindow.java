package chat.orchestrator.core.port;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The span an analytics report covers, {@code [from, to)}, in whole UTC hours from {@code from}: the hour
 * {@code to} falls in is the last bucket, however little of it has passed.
 */
public record AnalyticsWindow(Instant from, Instant to) {
    /** Thirty days: what the history's indexes answer quickly, and more than a per-hour chart can show. */
    public static final int MAX_HOURS = 720;

    public AnalyticsWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.equals(from.truncatedTo(ChronoUnit.HOURS))) {
            throw new IllegalArgumentException("an analytics window starts on a whole hour, got " + from);
        }
        if (to.isBefore(from) || Duration.between(from, to).compareTo(Duration.ofHours(MAX_HOURS)) >= 0) {
            throw new IllegalArgumentException("an analytics window ends at most " + MAX_HOURS + " hours after it"
                    + " starts, got " + from + " to " + to);
        }
    }

    /** The current hour (the one {@code now} falls in) and the {@code hours - 1} before it, up to {@code now}. */
    public static AnalyticsWindow lastHours(Instant now, int hours) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("hours must be between 1 and " + MAX_HOURS + ", got " + hours);
        }
        return new AnalyticsWindow(now.truncatedTo(ChronoUnit.HOURS).minus(hours - 1L, ChronoUnit.HOURS), now);
    }

    /** The first instant of each hour of the window, oldest first. */
    public List<Instant> hourStarts() {
        List<Instant> starts = new ArrayList<>();
        Instant last = to.truncatedTo(ChronoUnit.HOURS);
        for (Instant hour = from; !hour.isAfter(last); hour = hour.plus(1, ChronoUnit.HOURS)) {
            starts.add(hour);
        }
        return List.copyOf(starts);
    }

    public boolean contains(Instant at) {
        return !at.isBefore(from) && at.isBefore(to);
    }
}
