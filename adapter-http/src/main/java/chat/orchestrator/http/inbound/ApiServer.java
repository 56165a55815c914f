package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.port.StoreUnavailableException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Helidon SE server of the inbound API: the services' routes, and one place that turns every failure into the
 * JSON error shape (4xx for the caller's mistakes, 503 for unreachable stores, 500 only for real bugs), including
 * the errors Helidon answers before any route runs. Every exchange goes through {@link ConnectionGuard}, so the bytes
 * after a response are never taken for a request unless they are one.
 */
public final class ApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    private final WebServer server;

    private ApiServer(WebServer server) {
        this.server = server;
    }

    /** Starts listening on {@code host:port} (port 0: any free port) with the given services. */
    public static ApiServer start(String host, int port, JsonResponses json, JsonBody body, List<HttpService> services) {
        RouteTable routes = new RouteTable();
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new ConnectionGuard(body.deadline()));
        routing.addFilter(new RequestIdFilter());
        routes.register(routing, services);
        routing.any((request, response) -> notFoundOrWrongMethod(json, routes, request, response))
                .error(ApiException.class, (request, response, e) -> json.error(response, e.error()))
                .error(InvalidInputException.class, (request, response, e) ->
                        json.error(response, ApiError.invalidField(e.field(), e.getMessage())))
                .error(StoreUnavailableException.class, (request, response, e) ->
                        json.error(response, ApiError.unavailable("storage unavailable, retry later")))
                .error(RuntimeException.class, (request, response, e) -> internalError(json, request, response, e));
        DirectHandler direct = new JsonDirectHandler(json, body.maxBytes());
        DirectHandlers.Builder directHandlers = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            directHandlers.addHandler(type, direct);
        }
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                // Helidon's own limit, checked before routing on a declared length and while reading a chunked one.
                .maxPayloadSize(body.maxBytes())
                .directHandlers(directHandlers.build())
                .addConnectionSelector(new Http10Selector())
                .routing(routing)
                .build()
                .start();
        return new ApiServer(server);
    }

    private static void notFoundOrWrongMethod(JsonResponses json, RouteTable routes, ServerRequest request,
                                              ServerResponse response) {
        Set<String> allowed = routes.allowedMethods(request);
        if (allowed.isEmpty()) {
            json.error(response, ApiError.notFound());
            return;
        }
        response.header(HeaderNames.ALLOW, String.join(", ", allowed));
        json.error(response, new ApiError(Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                "this endpoint accepts " + String.join(", ", allowed), Optional.empty()));
    }

    /** A real bug: logged with its stack, but with every message quoted, since it may carry the client's bytes. */
    private static void internalError(JsonResponses json, ServerRequest request, ServerResponse response,
                                      RuntimeException e) {
        LOG.log(Level.ERROR, "unhandled error method=" + request.prologue().method().text()
                + " path=" + LogValues.quote(request.path().rawPath()), LogValues.redacted(e));
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
