package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** Writes emoji as their UTF-8 bytes rather than as escaped surrogate pairs, so text reads back byte-exact. */
    public static JsonResponses withDefaultMapper() {
        return new JsonResponses(com.fasterxml.jackson.databind.json.JsonMapper.builder()
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
        ObjectNode body = errorBody(error);
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
    public ObjectNode errorBody(ApiError error) {
        ObjectNode body = mapper.createObjectNode();
        body.put("success", false);
        ObjectNode detail = body.putObject("error");
        detail.put("code", error.code());
        detail.put("message", error.message());
        error.field().ifPresent(field -> detail.put("field", field));
        return body;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
