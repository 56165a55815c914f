package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.util.Optional;

/**
 * The JSON error shape for what Helidon answers itself, before any route runs: a request line it cannot parse
 * (400), one too long (414), headers or a declared body over the limits (400, 413), an HTTP version it does not
 * speak (505), a request beyond the concurrency limit (503, with {@code Retry-After}). Its default answers those with an empty body. The message is fixed per status: Helidon's own text
 * can quote the client's bytes, and a client gains nothing from seeing them echoed.
 */
final class JsonDirectHandler implements DirectHandler {
    private final JsonResponses json;
    private final long maxBodyBytes;

    JsonDirectHandler(JsonResponses json, long maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        ApiError error = error(status);
        JsonResponses.retryAfter(status).ifPresent(seconds -> headers.set(HeaderNames.RETRY_AFTER, seconds));
        try {
            return TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                    .entity(json.mapper().writeValueAsBytes(json.errorBody(error)))
                    .build();
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("error body is not serialisable", impossible);
        }
    }

    private ApiError error(Status status) {
        return switch (status.code()) {
            case 413 -> ApiError.tooLarge(maxBodyBytes);
            case 414 -> simple(status, "uri_too_long", "request line is too long");
            case 431 -> simple(status, "headers_too_large", "request headers are too large");
            case 503 -> simple(status, "temporarily_unavailable", "server busy, retry later");
            case 505 -> simple(status, "http_version_not_supported", "use HTTP/1.1 (or HTTP/1.0)");
            case 500 -> ApiError.internal("internal error");
            case 501 -> simple(status, "not_implemented", "unsupported transfer encoding");
            default -> simple(status, status.code() < 500 ? "bad_request" : "internal_error",
                    status.code() < 500 ? "malformed request (request line, headers or framing)" : "internal error");
        };
    }

    private static ApiError simple(Status status, String code, String message) {
        return new ApiError(status, code, message, Optional.empty());
    }
}
