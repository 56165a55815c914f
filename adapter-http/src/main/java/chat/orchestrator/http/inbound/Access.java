package chat.orchestrator.http.inbound;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Who may call the endpoints under one prefix of the {@link RouteTable}: checked before a route's handler runs, so a
 * handler never checks a token itself and no endpoint can be registered without saying who may call it.
 *
 * @param name  what the route listing shows
 * @param check throws a 401, 403 or 503 {@link ApiException} when the request may not call the endpoint
 */
record Access(String name, Consumer<ServerRequest> check) {

    /** Anyone: load balancers, scrapers, a browser loading the admin page (which asks for the token itself). */
    static Access open() {
        return new Access("open", request -> {
        });
    }

    /** {@code PANCAKE_ACCESS_TOKEN}. */
    static Access messageToken(BearerToken token) {
        return new Access("message token", token::require);
    }

    /** {@code ADMIN_ACCESS_TOKEN} or an admin JWT; who it is is left in the request's context for the log lines. */
    static Access admin(AdminAuthenticator admins) {
        return new Access("admin token or JWT",
                request -> request.context().register(new AdminCaller(admins.require(request))));
    }

    /**
     * Pancake's webhook: with {@code PANCAKE_WEBHOOK_SECRET}, a signature header must be present (its value is checked
     * against the body by the handler, once the body is read); without it, the message token. Either way who is
     * calling is settled before a byte of the body is read: an anonymous client gets no read of it.
     */
    static Access webhook(BearerToken token, Optional<WebhookSignature> signature) {
        if (signature.isEmpty()) {
            return messageToken(token);
        }
        return new Access("webhook signature", request -> {
            if (presentedSignature(request).isEmpty()) {
                throw new ApiException(invalidSignature());
            }
        });
    }

    /** {@code METRICS_ACCESS_TOKEN} when set, otherwise open (a scraper on a private network). */
    static Access metrics(Optional<BearerToken> token) {
        return token.map(required -> new Access("metrics token", required::require)).orElseGet(Access::open);
    }

    void require(ServerRequest request) {
        check.accept(request);
    }

    /** The first webhook signature header present, in {@link WebhookSignature#HEADERS} order. */
    static Optional<String> presentedSignature(ServerRequest request) {
        for (String header : WebhookSignature.HEADERS) {
            Optional<String> presented = request.headers().first(HeaderNames.create(header));
            if (presented.isPresent()) {
                return presented;
            }
        }
        return Optional.empty();
    }

    static ApiError invalidSignature() {
        return new ApiError(Status.UNAUTHORIZED_401, "invalid_signature", "missing or invalid webhook signature",
                Optional.empty());
    }

    /** Who an admin request is (the token's {@code sub}, or "admin-token"), for the log line of an admin write. */
    record AdminCaller(String who) {
        static String of(ServerRequest request) {
            return request.context().get(AdminCaller.class).map(AdminCaller::who).orElseThrow(() ->
                    new IllegalStateException("an admin handler ran outside an admin prefix"));
        }
    }
}
