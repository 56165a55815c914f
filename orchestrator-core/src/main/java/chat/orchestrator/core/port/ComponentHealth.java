package chat.orchestrator.core.port;

import java.util.Map;
import java.util.Objects;

/**
 * One store's health as an operator sees it: reachable or not, and the figures it reports (connected clients,
 * memory, pool sizes...), as strings ready to show.
 */
public record ComponentHealth(String component, boolean up, String detail, Map<String, String> figures) {
    public ComponentHealth {
        Objects.requireNonNull(component, "component");
        detail = detail == null ? "" : detail;
        figures = Map.copyOf(figures);
    }

    public static ComponentHealth up(String component, Map<String, String> figures) {
        return new ComponentHealth(component, true, "", figures);
    }

    public static ComponentHealth down(String component, String detail) {
        return new ComponentHealth(component, false, detail, Map.of());
    }
}
