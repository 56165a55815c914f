package chat.orchestrator.redis;

import chat.orchestrator.core.contract.LockPortContract.StorePorts;
import chat.orchestrator.core.contract.StatePortContract;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.UnifiedJedis;

/** {@link RedisState} holds to the state contract on a master found through Redis Sentinel. */
class SentinelStateContractTest extends StatePortContract {
    private static RedisStore store;
    /** A client of its own, to change keys behind the adapter's back. */
    private static UnifiedJedis behindTheAdaptersBack;

    @BeforeAll
    static void openStore() {
        store = RedisStore.open(RedisTestServers.sentinelGroup().settings());
        behindTheAdaptersBack = RedisClients.connect(RedisTestServers.sentinelGroup().settings());
    }

    @AfterAll
    static void closeStore() {
        store.close();
        behindTheAdaptersBack.close();
    }

    @Override
    protected StorePorts freshStore() {
        RedisTestServers.sentinelGroup().flush();
        return new StorePorts(store.locks(), store.state());
    }

    @Override
    protected void loseBody(ConversationId conversationId, MessageId messageId) {
        RedisKeys keys = new RedisKeys(store.settings().keyPrefix());
        behindTheAdaptersBack.hdel(keys.conversation(conversationId).bodies(), messageId.value());
    }
}
