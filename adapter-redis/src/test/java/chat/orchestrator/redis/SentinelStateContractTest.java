package chat.orchestrator.redis;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.contract.StatePortContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisState} holds to the state contract on a master found through Redis Sentinel. */
class SentinelStateContractTest extends StatePortContract {
    private static RedisStore store;

    @BeforeAll
    static void openStore() {
        store = RedisStore.open(RedisTestServers.sentinelGroup().settings());
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Override
    protected StorePorts freshStore() {
        RedisTestServers.sentinelGroup().flush();
        return new StorePorts(store.locks(), store.state());
    }
}
