package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body as one JSON object, refusing before parsing what is too large, and while parsing what is too
 * deep or not JSON at all. Nothing downstream sees a body that failed here.
 */
public final class JsonBody {
    /** Deep enough for any real payload, shallow enough that a hostile one cannot exhaust the stack. */
    static final int MAX_NESTING_DEPTH = 16;

    private final ObjectMapper mapper;
    private final long maxBytes;

    public JsonBody(long maxBytes) {
        this.maxBytes = maxBytes;
        this.mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBytes))
                .build());
    }

    public long maxBytes() {
        return maxBytes;
    }

    public JsonNode readObject(ServerRequest request) {
        return parseObject(readBytes(request));
    }

    /** The raw bytes, for callers that must see them as sent (a signature is computed over them). */
    public byte[] readBytes(ServerRequest request) {
        requireJsonContentType(request);
        request.headers().contentLength().ifPresent(length -> {
            if (length > maxBytes) {
                throw new ApiException(ApiError.tooLarge(maxBytes));
            }
        });
        return readAtMost(request);
    }

    public JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(ApiError.badRequest("empty_body", "request body must be a JSON object"));
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ApiException(ApiError.badRequest("not_an_object", "request body must be a JSON object"));
            }
            return node;
        } catch (StreamConstraintsException tooDeep) {
            throw new ApiException(ApiError.badRequest("too_deep",
                    "request body must not nest deeper than " + MAX_NESTING_DEPTH + " levels"));
        } catch (JsonProcessingException broken) {
            throw new ApiException(ApiError.badRequest("invalid_json",
                    "request body is not valid JSON: " + broken.getOriginalMessage()));
        } catch (IOException unreadable) {
            throw new ApiException(ApiError.badRequest("invalid_json", "request body could not be read"));
        }
    }

    private static void requireJsonContentType(ServerRequest request) {
        request.headers().first(HeaderNames.CONTENT_TYPE).ifPresent(type -> {
            if (!type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
                throw new ApiException(ApiError.unsupportedMediaType());
            }
        });
    }

    /** A chunked body has no length to check up front, so the limit is enforced while reading. */
    private byte[] readAtMost(ServerRequest request) {
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new ApiException(ApiError.tooLarge(maxBytes));
            }
            return body;
        } catch (IOException unreadable) {
            throw new ApiException(ApiError.badRequest("unreadable_body", "request body could not be read"));
        }
    }
}
