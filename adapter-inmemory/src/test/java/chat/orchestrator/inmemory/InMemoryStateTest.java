package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.contract.StatePortContract;
import chat.orchestrator.core.contract.TestClock;
import java.time.Instant;

class InMemoryStateTest extends StatePortContract {
    @Override
    protected StorePorts freshStore() {
        InMemoryStore store = new InMemoryStore(new TestClock(Instant.parse("2026-11-25T10:00:00Z")));
        return new StorePorts(new InMemoryLocks(store), new InMemoryState(store));
    }
}
