package chat.orchestrator.core.domain;

import java.util.List;
import java.util.Objects;

/** How sending one answer's actions to Pancake went, action by action, with the attempts each took. */
public record DeliveryReport(List<ActionDelivery> actions) {
    public DeliveryReport {
        actions = List.copyOf(actions);
    }

    /** The fate of one action. */
    public enum Status { DELIVERED, FAILED, DEAD_LETTER, SKIPPED }

    /** One action's result: its position in the answer, status, attempts made and the last error if any. */
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

    public boolean allDelivered() {
        return actions.stream().allMatch(a -> a.status() == Status.DELIVERED || a.status() == Status.SKIPPED);
    }
}
