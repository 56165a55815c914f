package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.OutboxPortContract;

class InMemoryOutboxTest extends OutboxPortContract {
    @Override
    protected Stores freshStores() {
        InMemoryHistory history = new InMemoryHistory();
        return new Stores(history, history.outbox());
    }
}
