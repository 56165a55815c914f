package chat.orchestrator.app;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the composition root opened (connection pools, HTTP clients), closed in the reverse order of opening so
 * nothing is closed while something opened after it may still use it. One failing close does not keep the others
 * open; the first failure is thrown with the later ones suppressed.
 */
final class OpenedResources implements AutoCloseable {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    synchronized <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes everything once; a second call finds nothing left. */
    @Override
    public synchronized void close() {
        IllegalStateException failure = null;
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource.getClass().getSimpleName() + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
