package chat.orchestrator.http.inbound;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health} and its variants, open to load balancers (no token). Liveness is the process answering;
 * readiness needs every store reachable (503 otherwise, so a balancer stops sending work this instance cannot
 * accept, and from the start of a shutdown); {@code /health} reports "degraded" with 200 when a store is down, for dashboards.
 */
record HealthService(JsonResponses json, StorageDescription storage, List<HealthPort> components, Clock clock,
                     Readiness readiness) implements HttpService {
    HealthService {
        components = List.copyOf(components);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("", this::health)
                .get("/live", this::live)
                .get("/ready", this::ready);
    }

    private void health(ServerRequest request, ServerResponse response) {
        List<ComponentHealth> checked = check();
        json.send(response, Status.OK_200, body(allUp(checked) ? "healthy" : "degraded", checked));
    }

    private void live(ServerRequest request, ServerResponse response) {
        json.send(response, Status.OK_200, body("alive", List.of()));
    }

    private void ready(ServerRequest request, ServerResponse response) {
        if (readiness.draining()) {
            json.send(response, Status.SERVICE_UNAVAILABLE_503, body("shutting_down", List.of()));
            return;
        }
        List<ComponentHealth> checked = check();
        boolean ready = allUp(checked);
        json.send(response, ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body(ready ? "ready" : "not_ready", checked));
    }

    private List<ComponentHealth> check() {
        return components.stream().map(HealthPort::check).toList();
    }

    private static boolean allUp(List<ComponentHealth> checked) {
        return checked.stream().allMatch(ComponentHealth::up);
    }

    private Body body(String status, List<ComponentHealth> checked) {
        Map<String, String> states = new LinkedHashMap<>();
        checked.forEach(c -> states.put(c.component(), c.up() ? "up" : "down"));
        return new Body(status, clock.instant().toString(), storage.backendName(), states);
    }

    /** {@code components}: each store's name, "up" or "down". */
    record Body(String status, String timestamp, String storageBackend, Map<String, String> components) {
    }
}
