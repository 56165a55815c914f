package chat.orchestrator.core.port;

/**
 * A number that grows with every lock acquisition of a conversation and never goes back, so a store can refuse
 * writes from a holder that has been superseded (invariant 1).
 */
public record FencingToken(long value) implements Comparable<FencingToken> {
    public FencingToken {
        if (value < 1) {
            throw new IllegalArgumentException("fencing tokens start at 1, got " + value);
        }
    }

    public boolean isNewerThan(FencingToken other) {
        return value > other.value;
    }

    @Override
    public int compareTo(FencingToken other) {
        return Long.compare(value, other.value);
    }
}
