package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.contract.StatePortContract;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import java.time.Instant;

class InMemoryStateTest extends StatePortContract {
    private InMemoryStore store;

    @Override
    protected StorePorts freshStore() {
        store = new InMemoryStore(new TestClock(Instant.parse("2026-11-25T10:00:00Z")));
        return new StorePorts(new InMemoryLocks(store), new InMemoryState(store));
    }

    @Override
    protected void loseBody(ConversationId conversationId, MessageId messageId) {
        store.loseBody(conversationId, messageId);
    }
}
