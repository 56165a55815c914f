package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.LockPortContract;
import chat.orchestrator.core.contract.TestClock;
import java.time.Duration;
import java.time.Instant;

class InMemoryLocksTest extends LockPortContract {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));

    @Override
    protected StorePorts freshStore() {
        InMemoryStore store = new InMemoryStore(clock);
        return new StorePorts(new InMemoryLocks(store), new InMemoryState(store));
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }
}
