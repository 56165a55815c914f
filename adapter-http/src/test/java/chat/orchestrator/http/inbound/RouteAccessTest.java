package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.inmemory.RuleBasedResponder;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls every route the server registered (read from its routing table, not from a list kept here) without any
 * credentials: each must refuse with 401 or 403, except the endpoints docs/api.md documents as open. An endpoint
 * added without the access its prefix requires, or under an open prefix, fails here until it is documented.
 */
class RouteAccessTest {
    /** The endpoints docs/api.md marks "no token": health, status, the OpenAPI document, the admin page, metrics. */
    private static final Set<String> DOCUMENTED_OPEN = Set.of(
            "GET /health", "GET /health/live", "GET /health/ready",
            "GET /api/v1/status/handler",
            "GET /openapi",
            "GET /admin", "GET /admin/admin.js", "GET /admin/admin.css",
            "GET /metrics");

    @ParameterizedTest(name = "signed webhook: {0}")
    @ValueSource(booleans = {false, true})
    void everyRouteButTheDocumentedOpenOnesRefusesAnAnonymousCaller(boolean signedWebhook) {
        try (RunningApi api = new RunningApi(new RuleBasedResponder(), signedWebhook)) {
            List<RouteTable.Route> routes = api.server.routes();
            assertTrue(routes.size() >= 20, "the routing table lists " + routes.size() + " routes");
            Set<String> answered = new TreeSet<>();
            List<String> unguarded = new ArrayList<>();
            for (RouteTable.Route route : routes) {
                String name = route.method().text() + " " + route.pattern();
                String path = route.pattern().replace("{run_id}", "7f1c1f7e-4b1a-4c43-9d0b-2a6f3f0a9e11")
                        .replace("{id}", "7f1c1f7e-4b1a-4c43-9d0b-2a6f3f0a9e11");
                HttpRequest request = api.request(path).header("Content-Type", "application/json")
                        .method(route.method().text(), HttpRequest.BodyPublishers.ofString("{}")).build();
                int status = api.sendRaw(request).statusCode();
                if (status == 401 || status == 403) {
                    continue;
                }
                answered.add(name);
                if (!DOCUMENTED_OPEN.contains(name)) {
                    unguarded.add(name + " answered " + status + " (access: " + route.access().name() + ")");
                }
            }
            assertEquals(List.of(), unguarded, "routes that answer without credentials but are not documented open");
            assertEquals(new TreeSet<>(DOCUMENTED_OPEN), answered,
                    "every documented open endpoint is registered and answers without credentials");
            assertFalse(routes.stream().anyMatch(r -> r.access().name().isBlank()));
        }
    }
}
