package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** Writes JSON bodies, including the one error shape: {"success": false, "error": {"code", "message", "field"}}. */
public final class JsonResponses {
    private final ObjectMapper mapper;

    public JsonResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The API's mapper. Every response is a record whose components are named in Java's camelCase; the API speaks
     * snake_case, said here once for every shape rather than on each record, so a new record cannot forget it (map
     * keys, such as action data and store figures, are written as they are). Emoji are written as their UTF-8 bytes
     * rather than as escaped surrogate pairs, so text reads back byte-exact.
     */
    public static JsonResponses withDefaultMapper() {
        return new JsonResponses(com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build());
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public void send(ServerResponse response, Status status, Object body) {
        try {
            byte[] bytes = mapper.writeValueAsBytes(body);
            response.status(status);
            response.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            response.send(bytes);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("response is not serialisable", impossible);
        }
    }

    public void error(ServerResponse response, ApiError error) {
        ErrorBody body = errorBody(error);
        retryAfter(error.status()).ifPresent(seconds -> response.header(HeaderNames.RETRY_AFTER, seconds));
        if (error.challenge().isPresent()) {
            response.header(HeaderNames.WWW_AUTHENTICATE, error.challenge().get());
        } else if (error.status() == Status.UNAUTHORIZED_401) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (error.closeConnection()) {
            // ConnectionGuard closes after the response; the header tells the client not to reuse the connection.
            response.header(io.helidon.http.HeaderValues.CONNECTION_CLOSE);
        }
        send(response, error.status(), body);
    }

    /**
     * When a client should try again after a 503 (a store down, the server at its concurrency limit) or a 429 (the
     * rate limit, whose permits come back every second).
     */
    static java.util.Optional<String> retryAfter(Status status) {
        return switch (status.code()) {
            case 503 -> java.util.Optional.of("5");
            case 429 -> java.util.Optional.of("1");
            default -> java.util.Optional.empty();
        };
    }

    /** The one error shape: {"success": false, "error": {"code", "message", "field"?}}. */
    public ErrorBody errorBody(ApiError error) {
        return new ErrorBody(false, new ErrorDetail(error.code(), error.message(), error.field().orElse(null)));
    }

    /** The one error shape. */
    public record ErrorBody(boolean success, ErrorDetail error) {
    }

    /** {@code field} is left out when the error is not about one field. */
    public record ErrorDetail(String code, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String field) {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
