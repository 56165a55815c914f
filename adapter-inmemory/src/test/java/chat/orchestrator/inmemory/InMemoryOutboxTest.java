package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.OutboxPortContract;
import chat.orchestrator.core.contract.TestClock;

/** The shared outbox contract in memory: the history's clock is the store's, the one that judges claims. */
class InMemoryOutboxTest extends OutboxPortContract {
    @Override
    protected Stores freshStores() {
        TestClock storeClock = new TestClock(T0);
        InMemoryHistory history = new InMemoryHistory(storeClock);
        // One process, one store: another instance's view of it is the same outbox.
        return new Stores(history, history.outbox(), history.outbox(), storeClock::set);
    }
}
