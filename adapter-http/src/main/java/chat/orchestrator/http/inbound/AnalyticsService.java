package chat.orchestrator.http.inbound;

import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.AnalyticsWindow;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;

/**
 * The owner's figures ({@code ADMIN_ACCESS_TOKEN} or an admin JWT): {@code GET /api/v1/admin/analytics?hours=24}, the current hour and
 * the ones before it, from the history (docs/admin.md).
 */
record AnalyticsService(AnalyticsPort analytics, JsonResponses json, Clock clock) implements HttpService {
    private static final int DEFAULT_HOURS = 24;

    @Override
    public void routing(HttpRules rules) {
        rules.get("/analytics", this::report);
    }

    private void report(ServerRequest request, ServerResponse response) {
        int hours = QueryParameters.integer(request, "hours", DEFAULT_HOURS, 1, AnalyticsWindow.MAX_HOURS);
        AnalyticsWindow window = AnalyticsWindow.lastHours(clock.instant(), hours);
        json.send(response, Status.OK_200, AnalyticsJson.of(analytics.report(window)));
    }
}
