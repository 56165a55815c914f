package chat.orchestrator.core.port;

import java.util.List;
import java.util.Objects;

/**
 * How long one model took to answer, over the runs it finished in a window (sent and discarded alike: both were paid
 * for): their count and the 50th, 95th and 99th percentiles in milliseconds, interpolated between the two nearest
 * runs as PostgreSQL's {@code percentile_cont} does.
 */
public record ModelLatency(String model, long calls, double p50Millis, double p95Millis, double p99Millis) {

    public ModelLatency {
        Objects.requireNonNull(model, "model");
        if (calls < 1) {
            throw new IllegalArgumentException("a model's latency is over at least one call, got " + calls);
        }
    }

    /** The figures of these durations, in milliseconds, in any order. */
    public static ModelLatency of(String model, List<Long> millis) {
        double[] sorted = millis.stream().mapToDouble(Long::doubleValue).sorted().toArray();
        return new ModelLatency(model, sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.95),
                percentile(sorted, 0.99));
    }

    /** percentile_cont: the value at position fraction * (n - 1), interpolated linearly between its neighbours. */
    static double percentile(double[] sorted, double fraction) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no durations to take a percentile of");
        }
        double position = fraction * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
