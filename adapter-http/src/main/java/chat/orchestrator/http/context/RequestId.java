package chat.orchestrator.http.context;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code X-Request-Id} of an exchange: the caller's, when it is a plain token of at most 128 characters, or a new
 * UUID. A header that is anything else (spaces, quotes, control characters, a megabyte of it) is replaced rather
 * than passed into log lines and outbound requests.
 */
public final class RequestId {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private RequestId() {
    }

    /** The caller's id when it is acceptable, else a fresh one. */
    public static String keepOrCreate(Optional<String> presented) {
        return presented.filter(id -> PLAIN.matcher(id).matches()).orElseGet(() -> UUID.randomUUID().toString());
    }
}
