package chat.orchestrator.http.inbound;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.util.Optional;

/**
 * The one check of every admin endpoint: the static admin token ({@code ADMIN_ACCESS_TOKEN}, for machines) or, when
 * configured, a person's JWT ({@code ADMIN_JWT_*}) that carries the admin role. Both are checked on this instance
 * alone, with nothing shared between instances.
 */
public final class AdminAuthenticator {
    /** What the logs name when the static token was used: it stands for no one in particular. */
    static final String STATIC_TOKEN = "admin-token";
    private static final String INVALID_TOKEN = "Bearer error=\"invalid_token\"";
    private static final System.Logger LOG = System.getLogger(AdminAuthenticator.class.getName());

    private final BearerToken staticToken;
    private final Optional<AdminJwtVerifier> jwt;

    AdminAuthenticator(BearerToken staticToken, Optional<AdminJwtSettings> jwt, Clock clock) {
        this.staticToken = staticToken;
        this.jwt = jwt.map(settings -> new AdminJwtVerifier(settings, clock));
    }

    /** Who the request is, for the log line of an admin write; otherwise a 401, 403 or 503 {@link ApiException}. */
    String require(ServerRequest request) {
        return switch (check(request)) {
            case AdminCheck.Granted granted -> granted.who();
            case AdminCheck.Missing missing -> throw new ApiException(ApiError.unauthorized());
            case AdminCheck.Invalid invalid -> {
                LOG.log(System.Logger.Level.DEBUG, "admin token refused: {0}", LogValues.quote(invalid.reason()));
                throw new ApiException(ApiError.unauthorized().withChallenge(INVALID_TOKEN));
            }
            case AdminCheck.Expired expired -> throw new ApiException(new ApiError(Status.UNAUTHORIZED_401,
                    "token_expired", "the bearer token has expired", Optional.empty())
                    .withChallenge(INVALID_TOKEN + ", error_description=\"The token expired\""));
            case AdminCheck.Forbidden forbidden -> {
                LOG.log(System.Logger.Level.INFO, "admin JWT of sub={0} refused: it lacks the admin role",
                        LogValues.quote(forbidden.subject()));
                throw new ApiException(new ApiError(Status.FORBIDDEN_403, "forbidden",
                        "the token is valid but does not carry the admin role", Optional.empty())
                        .withChallenge("Bearer error=\"insufficient_scope\""));
            }
            case AdminCheck.KeysUnavailable unavailable -> throw new ApiException(ApiError.unavailable(
                    "the identity provider's signing keys cannot be fetched, retry later"));
        };
    }

    /** Whether the request may see what only admins see, for endpoints that are open but show admins more. */
    boolean grants(ServerRequest request) {
        return check(request) instanceof AdminCheck.Granted;
    }

    private AdminCheck check(ServerRequest request) {
        Optional<String> presented = BearerToken.presented(request);
        if (presented.isEmpty() || presented.get().isEmpty()) {
            return new AdminCheck.Missing();
        }
        if (staticToken.matches(presented.get())) {
            return new AdminCheck.Granted(STATIC_TOKEN);
        }
        return jwt.map(verifier -> verifier.check(presented.get()))
                .orElseGet(() -> new AdminCheck.Invalid("not the admin token, and admin JWTs are off"));
    }
}
