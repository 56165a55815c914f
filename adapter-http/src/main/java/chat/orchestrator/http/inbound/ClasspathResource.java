package chat.orchestrator.http.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A file shipped in the adapter's jar, read once when the server starts: a missing one fails the start. */
final class ClasspathResource {
    private ClasspathResource() {
    }

    static byte[] read(String name) {
        try (InputStream in = ClasspathResource.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("resource unreadable: " + name, e);
        }
    }
}
