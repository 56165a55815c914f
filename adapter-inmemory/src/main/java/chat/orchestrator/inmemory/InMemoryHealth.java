package chat.orchestrator.inmemory;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import java.util.Map;
import java.util.Objects;

/**
 * The health of an {@link InMemoryStore}: always up (it lives and dies with the process), with the number of
 * conversations it holds, which is what grows its memory.
 */
public final class InMemoryHealth implements HealthPort {
    static final String COMPONENT = "memory";

    private final InMemoryStore store;

    public InMemoryHealth(InMemoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public ComponentHealth check() {
        long conversations;
        synchronized (store) {
            conversations = store.conversations().values().stream().filter(c -> c.latest != null).count();
        }
        return ComponentHealth.up(COMPONENT, Map.of("conversations", Long.toString(conversations)));
    }
}
