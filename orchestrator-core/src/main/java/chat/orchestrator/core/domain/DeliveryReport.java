package chat.orchestrator.core.domain;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * How one attempt to send an answer's actions to Pancake went, action by action, with the HTTP attempts each took
 * and, when Pancake asked for it ({@code Retry-After}, its rate-limit code), how long to wait before the next one.
 */
public record DeliveryReport(List<ActionDelivery> actions, Optional<Duration> retryAfter) {
    public DeliveryReport {
        actions = List.copyOf(actions);
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public DeliveryReport(List<ActionDelivery> actions) {
        this(actions, Optional.empty());
    }

    /**
     * Every action delivered at the first attempt: what a {@code PancakePort} that sends in one call and throws
     * nothing reports, so one written around another messaging client need not build the report by hand.
     */
    public static DeliveryReport everyActionDelivered(List<Action> actions) {
        return new DeliveryReport(IntStream.range(0, actions.size())
                .mapToObj(i -> new ActionDelivery(i, actions.get(i).type(), Status.DELIVERED, 1, ""))
                .toList());
    }

    /**
     * The fate of one action. PENDING is not a failure: the action was not delivered yet (a transient failure, or an
     * earlier action of the answer was not delivered) and stays due. REJECTED is Pancake refusing the request itself
     * (auth, a permanent 4xx): resending it unchanged cannot succeed. DEAD_LETTER is PENDING past the delivery horizon.
     */
    public enum Status { DELIVERED, SKIPPED, PENDING, REJECTED, DEAD_LETTER }

    /** One action's result: its position in the answer, status, HTTP attempts made and the last error if any. */
    public record ActionDelivery(int index, ActionType type, Status status, int attempts, String lastError) {
        public ActionDelivery {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
            lastError = lastError == null ? "" : lastError;
        }
    }

    public long delivered() {
        return actions.stream().filter(a -> a.status() == Status.DELIVERED).count();
    }

    /** Every action reached Pancake or had nothing to send. */
    public boolean allDelivered() {
        return actions.stream().allMatch(a -> a.status() == Status.DELIVERED || a.status() == Status.SKIPPED);
    }

    public boolean anyRejected() {
        return actions.stream().anyMatch(a -> a.status() == Status.REJECTED);
    }

    /** The first error an action reports, or empty. */
    public String firstError() {
        return actions.stream().map(ActionDelivery::lastError).filter(e -> !e.isEmpty()).findFirst().orElse("");
    }

    /** The same report with every action not yet delivered given {@code status} (PENDING or DEAD_LETTER). */
    public DeliveryReport withUndelivered(Status status) {
        return new DeliveryReport(actions.stream()
                .map(a -> a.status() == Status.PENDING || a.status() == Status.DEAD_LETTER
                        ? new ActionDelivery(a.index(), a.type(), status, a.attempts(), a.lastError()) : a)
                .toList(), retryAfter);
    }
}
