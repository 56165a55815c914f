package chat.orchestrator.redis;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.contract.StatePortContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisState} holds to the state contract on one Redis node. */
class SingleNodeStateContractTest extends StatePortContract {
    private static RedisStore store;

    @BeforeAll
    static void openStore() {
        store = RedisTestServers.singleNode().openStore();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Override
    protected StorePorts freshStore() {
        RedisTestServers.singleNode().flush();
        return new StorePorts(store.locks(), store.state());
    }
}
