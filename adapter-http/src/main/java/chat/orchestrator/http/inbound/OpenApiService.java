package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi} (no token): the OpenAPI 3.1 document of every endpoint, as kept in {@code openapi.yaml}; YAML
 * unless the caller prefers JSON ({@code Accept: application/json}).
 */
public final class OpenApiService implements HttpService {
    /** The document's place on the classpath (also read by the test that holds the server to it). */
    public static final String RESOURCE = "openapi.yaml";

    private final byte[] yaml;
    private final JsonNode document;
    private final JsonResponses json;

    public OpenApiService(JsonResponses json) {
        this.json = json;
        this.yaml = ClasspathResource.read(RESOURCE);
        try {
            this.document = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is not valid YAML", e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("", this::document);
    }

    private void document(ServerRequest request, ServerResponse response) {
        boolean wantsJson = request.headers().bestAccepted(MediaTypes.APPLICATION_YAML, MediaTypes.APPLICATION_JSON)
                .filter(MediaTypes.APPLICATION_JSON::equals).isPresent();
        if (wantsJson) {
            json.send(response, Status.OK_200, document);
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8");
        response.send(yaml);
    }
}
