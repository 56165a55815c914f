package chat.orchestrator.http.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The payload fixtures: {@code src/test/resources/fixtures} of this module (its README says what each is), read from
 * the class path. Used by the AI, Pancake and endpoint tests here and, through this module's test-jar, by app-server's.
 */
public final class Fixtures {
    /** Where the fixtures are on the class path. */
    public static final String DIR = "/fixtures/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalArgumentException("fixture " + name + " not found on the class path under " + DIR);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " cannot be read", e);
        }
    }

    public static JsonNode json(String name) {
        try {
            return JSON.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " is not JSON", e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
