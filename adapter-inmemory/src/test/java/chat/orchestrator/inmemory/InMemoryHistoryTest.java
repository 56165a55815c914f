package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.HistoryPortContract;
import chat.orchestrator.core.port.HistoryPort;

class InMemoryHistoryTest extends HistoryPortContract {
    @Override
    protected HistoryPort freshHistory() {
        return new InMemoryHistory();
    }
}
