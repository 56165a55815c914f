package chat.orchestrator.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The payload fixtures of adapter-http's tests ({@code adapter-http/src/test/resources/fixtures}), on this module's
 * test class path through adapter-http's test-jar: one copy of each payload in the repository.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The fixture's text, e.g. {@code text("sync-request.json")}. */
    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("fixture " + name + " not found on the class path under /fixtures/"
                        + " (adapter-http's test-jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " cannot be read", e);
        }
    }
}
