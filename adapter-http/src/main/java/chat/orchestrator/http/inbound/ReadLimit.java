package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/** Which of the JSON reader's limits a body broke, named in the error code so a client knows what to fix. */
enum ReadLimit {
    NESTING("getMaxNestingDepth", "too_deep", "request body must not nest deeper than " + JsonBody.MAX_NESTING_DEPTH + " levels"),
    NUMBER("getMaxNumberLength", "number_too_long", "a number in the request body must have at most "
            + JsonBody.MAX_NUMBER_LENGTH + " characters"),
    NAME("getMaxNameLength", "name_too_long", "a field name in the request body must have at most "
            + JsonBody.MAX_NAME_LENGTH + " characters"),
    STRING("getMaxStringLength", "string_too_long", "a string in the request body is longer than the body limit"),
    DOCUMENT("", "limit_exceeded", "the request body exceeds a reader limit");

    private final String marker;
    private final String code;
    private final String message;

    ReadLimit(String marker, String code, String message) {
        this.marker = marker;
        this.code = code;
        this.message = message;
    }

    /** Jackson names the limit only in its message, as the getter of {@code StreamReadConstraints} it came from. */
    static ReadLimit of(StreamConstraintsException exceeded) {
        String text = String.valueOf(exceeded.getOriginalMessage());
        for (ReadLimit limit : values()) {
            if (!limit.marker.isEmpty() && text.contains(limit.marker)) {
                return limit;
            }
        }
        return DOCUMENT;
    }

    String code() {
        return code;
    }

    ApiError error() {
        return ApiError.badRequest(code, message);
    }
}
