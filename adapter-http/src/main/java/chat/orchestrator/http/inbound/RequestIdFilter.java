package chat.orchestrator.http.inbound;

import chat.orchestrator.http.context.LogContext;
import chat.orchestrator.http.context.RequestId;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Map;

/**
 * Gives every exchange a request id (the caller's {@code X-Request-Id} if acceptable, else a new one), echoes it in
 * the response, and holds it in the {@link LogContext} while the request is served, so log lines and the AI and
 * Pancake calls it leads to carry it. A connection's thread serves request after request: the scope ends with each.
 */
final class RequestIdFilter implements Filter {
    private static final HeaderName HEADER = HeaderNames.create(RequestId.HEADER);

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String id = RequestId.keepOrCreate(request.headers().first(HEADER));
        response.header(HEADER, id);
        try (LogContext.Scope scope = LogContext.open(Map.of(LogContext.REQUEST_ID, id))) {
            chain.proceed();
        }
    }
}
