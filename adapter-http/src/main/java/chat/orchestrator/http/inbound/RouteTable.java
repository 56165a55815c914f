package chat.orchestrator.http.inbound;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every route the services register, kept beside Helidon's routing so that a request for a known path with the wrong
 * method can be answered 405 with {@code Allow} (Helidon's routing only knows "no route matched", a 404). The
 * services declare their routes once, in their own {@code routing(HttpRules)}; this records them as they go by.
 */
final class RouteTable {
    private record Route(Method method, PathMatcher path) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Registers the services' routes on {@code target}, recording each one. */
    void register(HttpRules target, List<HttpService> services) {
        HttpRules recording = new Recording(target);
        services.forEach(service -> service.routing(recording));
    }

    /** The methods some route accepts for this request's path; empty when no route knows the path. */
    Set<String> allowedMethods(ServerRequest request) {
        Set<String> allowed = new TreeSet<>();
        routes.stream().filter(route -> route.path().match(request.path()).accepted())
                .forEach(route -> allowed.add(route.method().text()));
        return allowed;
    }

    private final class Recording implements HttpRules {
        private final HttpRules target;

        Recording(HttpRules target) {
            this.target = target;
        }

        @Override
        public HttpRules route(Method method, String pathPattern, Handler handler) {
            routes.add(new Route(method, PathMatchers.create(pathPattern)));
            target.route(method, pathPattern, handler);
            return this;
        }

        @Override
        public HttpRules register(HttpService... services) {
            for (HttpService service : services) {
                service.routing(this);
            }
            return this;
        }

        @Override
        public HttpRules register(String pathPattern, HttpService... services) {
            throw new UnsupportedOperationException("prefixed services are not recorded; list their full paths");
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new UnsupportedOperationException("routes without a method and path pattern are not recorded");
        }
    }
}
