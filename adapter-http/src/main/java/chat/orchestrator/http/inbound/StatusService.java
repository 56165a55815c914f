package chat.orchestrator.http.inbound;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.usecase.ChatJobs;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/status/handler} (no token, like the health endpoints): whether the stores answer, up or down.
 * Which adapters serve, with their hosts, the AI's URL and model and the Pancake page, is shown only to an admin (the
 * admin token or an admin JWT): an anonymous caller learns nothing that helps it aim at the stores behind the server.
 */
record StatusService(JsonResponses json, StorageDescription storage, List<HealthPort> components, ChatJobs chatJobs,
                     Map<String, String> adaptersInUse, AdminAuthenticator admins) implements HttpService {
    StatusService {
        components = List.copyOf(components);
        adaptersInUse = Map.copyOf(adaptersInUse);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/handler", this::status);
    }

    private void status(ServerRequest request, ServerResponse response) {
        List<ComponentHealth> checked = components.stream().map(HealthPort::check).toList();
        boolean redisConnected = checked.stream().anyMatch(c -> c.component().equals("redis") && c.up());
        boolean allUp = checked.stream().allMatch(ComponentHealth::up);
        // The components' keys depend on the stores in use ("redis_status", "postgres_status"), so a map.
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("redis_connected", redisConnected);
        parts.put("lock_manager", storage.distributedLock() ? "redis" : "memory");
        parts.put("background_job_manager",
                new JobManager(redisConnected, allUp ? "running" : "degraded", chatJobs.activeJobs()));
        checked.forEach(c -> parts.put(c.component() + "_status", c.up() ? "up" : "down"));
        json.send(response, Status.OK_200, new Body(true, parts,
                admins.grants(request) ? new TreeMap<>(adaptersInUse) : null, allUp ? "healthy" : "degraded"));
    }

    /** {@code adapters} is left out for anyone but an admin. */
    record Body(boolean initialized, Map<String, Object> components,
                @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> adapters, String status) {
    }

    record JobManager(boolean redisConnected, String status, long activeJobs) {
    }
}
