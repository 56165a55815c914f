package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;

/** {@code GET /health} and its liveness/readiness variants, open to load balancers (no token). */
public final class HealthService implements HttpService {
    private final JsonResponses json;
    private final StorageDescription storage;
    private final Clock clock;

    public HealthService(JsonResponses json, StorageDescription storage, Clock clock) {
        this.json = json;
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", this::health)
                .get("/health/live", this::health)
                .get("/health/ready", this::health);
    }

    private void health(ServerRequest request, ServerResponse response) {
        ObjectNode body = json.mapper().createObjectNode();
        body.put("status", "healthy");
        body.put("timestamp", clock.instant().toString());
        body.put("storage_backend", storage.backendName());
        json.send(response, Status.OK_200, body);
    }
}
