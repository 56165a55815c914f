package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.port.StoreUnavailableException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Helidon SE server of the inbound API: the services' routes, and one place that turns every failure into the
 * JSON error shape (4xx for the caller's mistakes, 503 for unreachable stores, 500 only for real bugs).
 */
public final class ApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    private final WebServer server;

    private ApiServer(WebServer server) {
        this.server = server;
    }

    /** Starts listening on {@code host:port} (port 0: any free port) with the given services. */
    public static ApiServer start(String host, int port, JsonResponses json, List<HttpService> services) {
        HttpRouting.Builder routing = HttpRouting.builder();
        services.forEach(routing::register);
        routing.any((request, response) -> json.error(response,
                        new ApiError(Status.NOT_FOUND_404, "not_found", "no such endpoint", Optional.empty())))
                .error(ApiException.class, (request, response, e) -> json.error(response, e.error()))
                .error(InvalidInputException.class, (request, response, e) ->
                        json.error(response, ApiError.invalidField(e.field(), e.getMessage())))
                .error(StoreUnavailableException.class, (request, response, e) ->
                        json.error(response, ApiError.unavailable("storage unavailable, retry later")))
                .error(RuntimeException.class, (request, response, e) -> internalError(json, response, e));
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .routing(routing)
                .build()
                .start();
        return new ApiServer(server);
    }

    private static void internalError(JsonResponses json, ServerResponse response, RuntimeException e) {
        LOG.log(Level.ERROR, "unhandled error", e);
        json.error(response, ApiError.internal("internal error"));
    }

    public int port() {
        return server.port();
    }

    /** Stops taking requests; requests in flight finish within the grace period. */
    @Override
    public void close() {
        server.stop();
    }
}
