package chat.orchestrator.http.inbound;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the Prometheus text exposition of whatever registry the composition root keeps (this module
 * does not know the metrics library). Open by default, as scrapers expect; with a token, only its bearer may read.
 */
record MetricsService(Supplier<String> scrape) implements HttpService {
    /** Prometheus' text format, version 0.0.4: what every Prometheus server and agent reads. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public void routing(HttpRules rules) {
        rules.get("", this::metrics);
    }

    private void metrics(ServerRequest request, ServerResponse response) {
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        response.send(scrape.get());
    }
}
