package chat.orchestrator.http.inbound;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Who may call the endpoints under one prefix of the {@link RouteTable}: checked before a route's handler runs, so a
 * handler never checks a token itself and no endpoint can be registered without saying who may call it.
 */
sealed interface Access {

    /** Throws a 401, 403 or 503 {@link ApiException} when the request may not call the endpoint. */
    void check(ServerRequest request);

    /** The name the route listing shows. */
    String name();

    /** Anyone: load balancers, scrapers, a browser loading the admin page (which asks for the token itself). */
    static Access open() {
        return new Open();
    }

    /** {@code PANCAKE_ACCESS_TOKEN}. */
    static Access messageToken(BearerToken token) {
        return new MessageToken(token);
    }

    /** {@code ADMIN_ACCESS_TOKEN} or an admin JWT; who it is is left for the handler's log lines. */
    static Access admin(AdminAuthenticator admins) {
        return new Admin(admins);
    }

    /**
     * Pancake's webhook: with {@code WEBHOOK_SECRET}, a signature header must be present (its value is checked
     * against the body by the handler, once the body is read); without it, the message token.
     */
    static Access webhook(BearerToken token, Optional<WebhookSignature> signature) {
        return new Webhook(token, signature.isPresent());
    }

    /** {@code METRICS_TOKEN} when set, otherwise open (a scraper on a private network). */
    static Access metrics(Optional<BearerToken> token) {
        return token.<Access>map(t -> new MetricsToken(t)).orElseGet(Open::new);
    }

    record Open() implements Access {
        @Override
        public void check(ServerRequest request) {
        }

        @Override
        public String name() {
            return "open";
        }
    }

    record MessageToken(BearerToken token) implements Access {
        @Override
        public void check(ServerRequest request) {
            token.require(request);
        }

        @Override
        public String name() {
            return "message token";
        }
    }

    record MetricsToken(BearerToken token) implements Access {
        @Override
        public void check(ServerRequest request) {
            token.require(request);
        }

        @Override
        public String name() {
            return "metrics token";
        }
    }

    record Admin(AdminAuthenticator admins) implements Access {
        @Override
        public void check(ServerRequest request) {
            request.context().register(new AdminCaller(admins.require(request)));
        }

        @Override
        public String name() {
            return "admin token or JWT";
        }
    }

    record Webhook(BearerToken token, boolean signed) implements Access {
        @Override
        public void check(ServerRequest request) {
            // Who is calling is settled before a byte of the body is read: an anonymous client gets no read of it.
            if (!signed) {
                token.require(request);
            } else if (presentedSignature(request).isEmpty()) {
                throw new ApiException(invalidSignature());
            }
        }

        @Override
        public String name() {
            return signed ? "webhook signature" : "message token";
        }

        /** The first signature header present, in {@link WebhookSignature#HEADERS} order. */
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
    }

    /** Who an admin request is (the token's {@code sub}, or "admin-token"), for the log line of an admin write. */
    record AdminCaller(String who) {
        static String of(ServerRequest request) {
            return request.context().get(AdminCaller.class).map(AdminCaller::who).orElseThrow(() ->
                    new IllegalStateException("an admin handler ran outside an admin prefix"));
        }
    }
}
