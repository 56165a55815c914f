package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.AnalyticsPortContract;
import java.time.Clock;

class InMemoryAnalyticsTest extends AnalyticsPortContract {
    @Override
    protected Stores freshStores(Clock clock) {
        InMemoryHistory history = new InMemoryHistory(clock);
        return new Stores(history, history.outbox(), history.analytics());
    }
}
