package chat.orchestrator.http.inbound;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this instance wants new work. Turned off first on shutdown, while the server still answers, so a balancer
 * polling {@code /health/ready} stops sending before the listener closes.
 */
final class Readiness {
    private final AtomicBoolean draining = new AtomicBoolean();

    void drain() {
        draining.set(true);
    }

    boolean draining() {
        return draining.get();
    }
}
