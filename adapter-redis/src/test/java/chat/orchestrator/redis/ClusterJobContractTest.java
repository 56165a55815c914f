package chat.orchestrator.redis;

import chat.orchestrator.core.contract.JobPortContract;
import chat.orchestrator.core.port.JobPort;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisJobs} holds to the job contract on a three-master Redis Cluster. */
class ClusterJobContractTest extends JobPortContract {
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
    protected JobPort freshJobs() {
        RedisTestServers.cluster().flush();
        return store.jobs();
    }

    @Override
    protected void letTimePass(Duration duration) {
        RedisTestServers.sleep(duration);
    }
}
