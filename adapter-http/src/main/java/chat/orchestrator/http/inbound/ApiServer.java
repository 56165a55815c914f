package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.port.StoreUnavailableException;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
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

    /** Helidon's grace for requests in flight once the listener stops; part of the 30 s a shutdown may take. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final WebServer server;
    private final Readiness readiness;
    private final RouteTable routes;

    private ApiServer(WebServer server, Readiness readiness, RouteTable routes) {
        this.server = server;
        this.readiness = readiness;
        this.routes = routes;
    }

    /** Starts listening on {@code host:port} (port 0: any free port) with the given routes and limits. */
    static ApiServer start(String host, int port, JsonResponses json, JsonBody body, ServerLimits limits,
                           Readiness readiness, RouteTable routes) {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new ConnectionGuard(body.deadline()));
        routing.addFilter(new RequestIdFilter());
        if (limits.messagesPerSecond() > 0) {
            routing.addFilter(new MessageRateLimit(limits.messagesPerSecond(), json));
        }
        routes.registerOn(routing);
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
        WebServerConfig.Builder builder = WebServer.builder();
        if (limits.maxConcurrentRequests() > 0) {
            // Helidon's own limit, checked before routing: beyond it JsonDirectHandler answers 503 with Retry-After.
            builder.concurrencyLimit(FixedLimit.builder().permits(limits.maxConcurrentRequests()).build());
        }
        WebServer server = builder
                .host(host)
                .port(port)
                .shutdownHook(false)
                .shutdownGracePeriod(SHUTDOWN_GRACE)
                // Helidon's own limit, checked before routing on a declared length and while reading a chunked one.
                .maxPayloadSize(body.maxBytes())
                .directHandlers(directHandlers.build())
                .addConnectionSelector(new Http10Selector())
                .routing(routing)
                .build()
                .start();
        return new ApiServer(server, readiness, routes);
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

    /** Every route the server answers, with who may call it. */
    List<RouteTable.Route> routes() {
        return routes.routes();
    }

    public int port() {
        return server.port();
    }

    /**
     * Readiness answers 503 from now on while every endpoint keeps working, so a balancer stops sending here before
     * {@link #close()} closes the listener.
     */
    public void drain() {
        readiness.drain();
    }

    /** Stops taking requests; requests in flight finish within the grace period. */
    @Override
    public void close() {
        server.stop();
    }
}
