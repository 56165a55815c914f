package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The repository's {@code openapi.yaml} as a checker of real answers: the operation of a method and path, the response
 * of a status (undocumented is a violation) and its body against the response's JSON schema (JSON Schema 2020-12, as
 * OpenAPI 3.1 defines, with networknt's validator). Remembers which operations answered, so a test can require all.
 */
final class OpenApiDocument {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final JsonNode root;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    private OpenApiDocument(JsonNode root) {
        this.root = root;
    }

    static OpenApiDocument fromClasspath() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/" + OpenApiService.RESOURCE)) {
            return new OpenApiDocument(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every documented operation, as "METHOD /path/{template}". */
    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        root.get("paths").properties().forEach(path -> resolve("/paths/" + escape(path.getKey()))
                .ifPresent(item -> root.at(item).propertyStream()
                        .filter(op -> METHODS.contains(op.getKey()))
                        .forEach(op -> operations.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey()))));
        return operations;
    }

    /** The operations that have answered {@link #violations} with a success status so far. */
    Set<String> answeredWithSuccess() {
        return new TreeSet<>(answered);
    }

    /**
     * What is wrong with this answer according to the document; empty when it conforms.
     *
     * @param contentType the response's media type without parameters, e.g. {@code application/json}
     */
    List<String> violations(String method, String rawPath, int status, String contentType, JsonNode body) {
        String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
        Optional<String> template = template(path);
        if (template.isEmpty()) {
            return List.of("path not documented: " + path);
        }
        String operationName = method.toUpperCase(Locale.ROOT) + " " + template.get();
        Optional<String> operation = resolve("/paths/" + escape(template.get()))
                .flatMap(item -> resolve(item + "/" + method.toLowerCase(Locale.ROOT)));
        if (operation.isEmpty()) {
            return List.of("operation not documented: " + operationName);
        }
        Optional<String> response = resolve(operation.get() + "/responses/" + status);
        if (response.isEmpty()) {
            return List.of(operationName + " answered " + status + ", a status the document does not list");
        }
        String media = response.get() + "/content/" + escape(contentType);
        if (root.at(media).isMissingNode()) {
            return List.of(operationName + " " + status + " answered " + contentType + ", not documented");
        }
        if (status < 300) {
            answered.add(operationName);
        }
        if (!contentType.equals("application/json")) {
            return List.of();
        }
        List<String> violations = new ArrayList<>();
        schema(media + "/schema").validate(body).forEach(error ->
                violations.add(operationName + " " + status + ": " + error));
        return violations;
    }

    private Optional<String> template(String path) {
        List<String> matching = new ArrayList<>();
        root.get("paths").properties().forEach(entry -> {
            String regex = Pattern.quote(entry.getKey()).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) {
                matching.add(entry.getKey());
            }
        });
        // A literal path wins over a template that also matches it.
        return matching.stream().min((a, b) -> Long.compare(a.chars().filter(c -> c == '{').count(),
                b.chars().filter(c -> c == '{').count()));
    }

    /** The pointer of the node at {@code pointer}, following a local {@code $ref}; empty when nothing is there. */
    private Optional<String> resolve(String pointer) {
        JsonNode node = root.at(pointer);
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        if (node.has("$ref")) {
            return resolve(node.get("$ref").asText().substring(1));
        }
        return Optional.of(pointer);
    }

    /** The schema at {@code pointer}, inside the whole document so that its {@code $ref}s resolve. */
    private Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> {
            ObjectNode wrapper = root.deepCopy();
            wrapper.put("$ref", "#" + p);
            return registry.getSchema(wrapper);
        });
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
