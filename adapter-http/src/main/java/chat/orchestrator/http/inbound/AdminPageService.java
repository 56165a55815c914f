package chat.orchestrator.http.inbound;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /admin}: the operators' page, plain HTML, CSS and a script that call the admin JSON endpoints with the
 * token typed into the page. The page itself holds no data, so it needs no token; the Content-Security-Policy allows
 * only this server's own script and style files (no inline script, no framing), so text that slipped into the page
 * as markup still could not run.
 */
public final class AdminPageService implements HttpService {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(byte[] bytes, String contentType) {
        static Asset of(String name, String contentType) {
            return new Asset(ClasspathResource.read("admin/" + name), contentType);
        }
    }

    private final Asset page = Asset.of("index.html", "text/html; charset=utf-8");
    private final Asset script = Asset.of("admin.js", "text/javascript; charset=utf-8");
    private final Asset style = Asset.of("admin.css", "text/css; charset=utf-8");

    @Override
    public void routing(HttpRules rules) {
        rules.get("", (request, response) -> send(response, page))
                .get("/admin.js", (request, response) -> send(response, script))
                .get("/admin.css", (request, response) -> send(response, style));
    }

    private static void send(ServerResponse response, Asset asset) {
        response.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        response.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        response.header(HeaderNames.create("X-Frame-Options"), "DENY");
        response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(asset.bytes());
    }
}
