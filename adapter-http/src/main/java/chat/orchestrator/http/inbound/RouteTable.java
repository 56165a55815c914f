package chat.orchestrator.http.inbound;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing table of the inbound API: every service is registered under a prefix together with who may call it
 * ({@link Access}), checked before each of its handlers; a service names its paths relative to its prefix. The table
 * also keeps every route, so a request for a known path with the wrong method can be answered 405 with {@code Allow}
 * (Helidon's routing only knows "no route matched", a 404), and so a test can call every route there is.
 */
final class RouteTable {
    /** One registered route: its method, full path pattern and who may call it. */
    record Route(Method method, String pattern, Access access) {
    }

    private record Matcher(Method method, PathMatcher path) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<Matcher> matchers = new ArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();

    private record Registration(String prefix, Access access, List<HttpService> services) {
    }

    /** Adds {@code services} under {@code prefix}, each of their routes callable only as {@code access} allows. */
    RouteTable under(String prefix, Access access, HttpService... services) {
        registrations.add(new Registration(prefix, access, List.of(services)));
        return this;
    }

    /** Registers every route on {@code routing}, each behind its prefix's access check. */
    void registerOn(HttpRouting.Builder routing) {
        routes.clear();
        matchers.clear();
        for (Registration registration : registrations) {
            HttpRules prefixed = new Prefixed(routing, registration.prefix(), registration.access());
            registration.services().forEach(service -> service.routing(prefixed));
        }
    }

    /** Every registered route, in registration order. */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The methods some route accepts for this request's path; empty when no route knows the path. */
    Set<String> allowedMethods(ServerRequest request) {
        Set<String> allowed = new TreeSet<>();
        matchers.stream().filter(route -> route.path().match(request.path()).accepted())
                .forEach(route -> allowed.add(route.method().text()));
        return allowed;
    }

    private final class Prefixed implements HttpRules {
        private final HttpRules target;
        private final String prefix;
        private final Access access;

        Prefixed(HttpRules target, String prefix, Access access) {
            this.target = target;
            this.prefix = prefix;
            this.access = access;
        }

        @Override
        public HttpRules route(Method method, String pathPattern, Handler handler) {
            String full = prefix + pathPattern;
            routes.add(new Route(method, full, access));
            matchers.add(new Matcher(method, PathMatchers.create(full)));
            target.route(method, full, (request, response) -> {
                access.require(request);
                handler.handle(request, response);
            });
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
            throw new UnsupportedOperationException("nest prefixes in the RouteTable, where their access is said");
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new UnsupportedOperationException("routes without a method and path pattern are not recorded");
        }
    }
}
