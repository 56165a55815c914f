package chat.orchestrator.redis;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.contract.StatePortContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisState} holds to the state contract on a three-master Redis Cluster. */
class ClusterStateContractTest extends StatePortContract {
    private static RedisStore store;

    @BeforeAll
    static void openStore() {
        store = RedisTestServers.cluster().openStore();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Override
    protected StorePorts freshStore() {
        RedisTestServers.cluster().flush();
        return new StorePorts(store.locks(), store.state());
    }
}
