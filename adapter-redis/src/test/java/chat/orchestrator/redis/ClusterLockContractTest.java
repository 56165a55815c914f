package chat.orchestrator.redis;

import chat.orchestrator.core.contract.LockPortContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisLocks} holds to the lock contract on a three-master Redis Cluster. */
class ClusterLockContractTest extends LockPortContract {
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

    @Override
    protected void letTimePass(Duration duration) {
        RedisTestServers.sleep(duration);
    }
}
