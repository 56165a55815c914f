package chat.orchestrator.http.inbound;

import io.helidon.http.Status;
import java.util.Optional;

/**
 * An error answered to a caller: HTTP status, a stable machine-readable code, a message for people and, for
 * validation errors, the offending field. Every error body has the same shape.
 *
 * @param closeConnection answer with {@code Connection: close} and close: the request's framing cannot be trusted,
 *                        so the bytes after it are not a next request
 * @param challenge       the {@code WWW-Authenticate} value, when it says more than a bare {@code Bearer} (RFC 6750:
 *                        why a presented token was refused)
 */
public record ApiError(Status status, String code, String message, Optional<String> field, boolean closeConnection,
                       Optional<String> challenge) {

    public ApiError(Status status, String code, String message, Optional<String> field) {
        this(status, code, message, field, false, Optional.empty());
    }

    public ApiError closingConnection() {
        return new ApiError(status, code, message, field, true, challenge);
    }

    /** The same error with this {@code WWW-Authenticate} value. */
    public ApiError withChallenge(String value) {
        return new ApiError(status, code, message, field, closeConnection, Optional.of(value));
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(Status.BAD_REQUEST_400, code, message, Optional.empty());
    }

    public static ApiError invalidField(String field, String message) {
        return new ApiError(Status.UNPROCESSABLE_CONTENT_422, "invalid_field", message, Optional.of(field));
    }

    public static ApiError notFound() {
        return new ApiError(Status.NOT_FOUND_404, "not_found", "no such endpoint", Optional.empty());
    }

    public static ApiError unauthorized() {
        return new ApiError(Status.UNAUTHORIZED_401, "unauthorized", "missing or invalid bearer token", Optional.empty());
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(Status.REQUEST_ENTITY_TOO_LARGE_413, "body_too_large",
                "request body must be at most " + limit + " bytes", Optional.empty());
    }

    public static ApiError unsupportedMediaType() {
        return new ApiError(Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type",
                "request body must be application/json", Optional.empty());
    }

    public static ApiError unavailable(String message) {
        return new ApiError(Status.SERVICE_UNAVAILABLE_503, "temporarily_unavailable", message, Optional.empty());
    }

    /** The AI service refuses our requests (misconfigured): retrying will not help until an operator fixes it. */
    public static ApiError aiRejected(String message) {
        return new ApiError(Status.SERVICE_UNAVAILABLE_503, "ai_rejected", message, Optional.empty());
    }

    public static ApiError internal(String message) {
        return new ApiError(Status.INTERNAL_SERVER_ERROR_500, "internal_error", message, Optional.empty());
    }
}
