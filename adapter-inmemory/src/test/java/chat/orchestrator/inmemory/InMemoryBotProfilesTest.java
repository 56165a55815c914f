package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.BotProfilePortContract;
import chat.orchestrator.core.port.BotProfilePort;

class InMemoryBotProfilesTest extends BotProfilePortContract {
    @Override
    protected BotProfilePort freshProfiles() {
        return new InMemoryBotProfiles();
    }
}
