package chat.orchestrator.http.inbound;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * One bearer token guarding a group of endpoints. Compared in constant time, so response timing tells an attacker
 * nothing about how much of a guess was right.
 */
public final class BearerToken {
    private static final String PREFIX = "Bearer ";
    private final byte[] expected;

    public BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a bearer token must not be blank");
        }
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Throws a 401 {@link ApiException} unless the request carries this token. */
    public void require(ServerRequest request) {
        if (!presentIn(request)) {
            throw new ApiException(ApiError.unauthorized());
        }
    }

    /** Whether the request carries this token, for endpoints that show more to the holder of a token. */
    public boolean presentIn(ServerRequest request) {
        return presented(request).filter(this::matches).isPresent();
    }

    /** Whether {@code presented} is this token, compared in constant time. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The bearer value of the request's {@code Authorization} header, if it has one. */
    static Optional<String> presented(ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(PREFIX.length()).trim());
    }
}
