package chat.orchestrator.core.usecase;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the AI service refuses this instance's requests (a bad key, an unknown model), as the last calls showed:
 * set by a refused call, cleared by the next answer. Admin health reports it, and while it lasts the sweeper tries
 * one waiting conversation per pass instead of calling the AI for each of them.
 */
public final class AiRefusals {
    private final Clock clock;
    private final AtomicReference<Optional<Refusal>> current = new AtomicReference<>(Optional.empty());

    public AiRefusals(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The AI's latest refusal: its reason, when refusals began, the latest one, and how many since the last answer. */
    public record Refusal(String reason, Instant since, Instant lastAt, long count) {
        public Refusal {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(lastAt, "lastAt");
        }
    }

    /** The refusal in force, empty once the AI answered after it. */
    public Optional<Refusal> current() {
        return current.get();
    }

    boolean refusing() {
        return current.get().isPresent();
    }

    void rejected(String reason) {
        Instant now = clock.instant();
        current.updateAndGet(previous -> Optional.of(previous
                .map(p -> new Refusal(reason, p.since(), now, p.count() + 1))
                .orElseGet(() -> new Refusal(reason, now, now, 1))));
    }

    void answered() {
        current.set(Optional.empty());
    }
}
