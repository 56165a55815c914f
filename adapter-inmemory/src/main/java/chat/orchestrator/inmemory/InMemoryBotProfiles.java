package chat.orchestrator.inmemory;

import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.core.port.BotProfilePort;
import java.util.concurrent.atomic.AtomicReference;

/** {@link BotProfilePort} for one process, starting from the default profile. */
public final class InMemoryBotProfiles implements BotProfilePort {
    private final AtomicReference<BotProfile> current = new AtomicReference<>(BotProfile.DEFAULT);

    @Override
    public BotProfile current() {
        return current.get();
    }

    @Override
    public void save(BotProfile profile) {
        current.set(profile);
    }
}
