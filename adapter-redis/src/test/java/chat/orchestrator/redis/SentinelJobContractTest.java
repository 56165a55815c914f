package chat.orchestrator.redis;

import chat.orchestrator.core.contract.JobPortContract;
import chat.orchestrator.core.port.JobPort;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisJobs} holds to the job contract on a master found through Redis Sentinel. */
class SentinelJobContractTest extends JobPortContract {
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
    protected JobPort freshJobs() {
        RedisTestServers.sentinelGroup().flush();
        return store.jobs();
    }

    @Override
    protected void letTimePass(Duration duration) {
        RedisTestServers.sleep(duration);
    }
}
