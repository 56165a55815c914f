package chat.orchestrator.redis;

import chat.orchestrator.core.contract.LockPortContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisLocks} holds to the lock contract on a master found through Redis Sentinel. */
class SentinelLockContractTest extends LockPortContract {
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

    @Override
    protected void letTimePass(Duration duration) {
        RedisTestServers.sleep(duration);
    }
}
