package chat.orchestrator.core.port;

import java.util.Objects;
import java.util.UUID;

/** Identity of one AI run; also the idempotency key of the delivery it leads to. */
public record RunId(UUID value) {
    public RunId {
        Objects.requireNonNull(value, "value");
    }

    public static RunId random() {
        return new RunId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
