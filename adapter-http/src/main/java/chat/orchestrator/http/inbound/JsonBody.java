package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Reads a request body as one JSON object, refusing before parsing what is too large, and while parsing what is too
 * deep, too long or not JSON at all. Nothing downstream sees a body that failed here, and no failure here quotes the
 * client's bytes into a log line.
 */
public final class JsonBody {
    /** Deep enough for any real payload, shallow enough that a hostile one cannot exhaust the stack. */
    static final int MAX_NESTING_DEPTH = 16;
    /** Digits of one number: far beyond any timestamp or confidence, far below what makes parsing slow. */
    static final int MAX_NUMBER_LENGTH = 100;
    /** Characters of one field name. */
    static final int MAX_NAME_LENGTH = 1_000;
    /** The default body read deadline, see {@link BodyDeadline}. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);

    private final ObjectMapper mapper;
    private final long maxBytes;
    private final BodyDeadline deadline;

    public JsonBody(long maxBytes) {
        this(maxBytes, DEFAULT_READ_TIMEOUT);
    }

    public JsonBody(long maxBytes, Duration readTimeout) {
        this.maxBytes = maxBytes;
        this.deadline = new BodyDeadline(readTimeout);
        this.mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxNameLength(MAX_NAME_LENGTH)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBytes))
                .build());
    }

    public long maxBytes() {
        return maxBytes;
    }

    BodyDeadline deadline() {
        return deadline;
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
        return deadline.read(() -> readAtMost(request));
    }

    public JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(ApiError.badRequest("empty_body", "request body must be a JSON object"));
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (StreamConstraintsException overLimit) {
            throw new ApiException(ReadLimit.of(overLimit).error());
        } catch (JsonProcessingException broken) {
            throw new ApiException(ApiError.badRequest("invalid_json",
                    "request body is not valid JSON: " + broken.getOriginalMessage()));
        } catch (IOException unreadable) {
            throw new ApiException(ApiError.badRequest("invalid_json", "request body could not be read"));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(ApiError.badRequest("not_an_object", "request body must be a JSON object"));
        }
        JsonValues.requireRepresentable(node);
        return node;
    }

    private static void requireJsonContentType(ServerRequest request) {
        request.headers().first(HeaderNames.CONTENT_TYPE).ifPresent(type -> {
            if (!type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
                throw new ApiException(ApiError.unsupportedMediaType());
            }
        });
    }

    /**
     * A chunked body has no length to check up front, so the limit is enforced while reading. Helidon reports a
     * malformed chunk as a {@link RequestException}, not an {@link IOException}: every failure of the read is the
     * client's, answered 400, and the connection is closed because the framing of what follows is unknown.
     */
    private byte[] readAtMost(ServerRequest request) {
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new ApiException(ApiError.tooLarge(maxBytes).closingConnection());
            }
            return body;
        } catch (ApiException | CloseConnectionException ours) {
            throw ours;
        } catch (RequestException helidon) {
            if (helidon.status() == Status.REQUEST_ENTITY_TOO_LARGE_413) {
                throw new ApiException(ApiError.tooLarge(maxBytes).closingConnection());
            }
            throw new ApiException(unreadable());
        } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException unreadable) {
            throw new ApiException(unreadable());
        }
    }

    private static ApiError unreadable() {
        return ApiError.badRequest("unreadable_body", "request body could not be read (malformed framing)")
                .closingConnection();
    }
}
