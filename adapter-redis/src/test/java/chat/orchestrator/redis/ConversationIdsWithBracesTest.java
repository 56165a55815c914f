package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.ReleaseOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** On a cluster a broken hash tag fails every multi-key script with CROSSSLOT; these ids would break a naive one. */
class ConversationIdsWithBracesTest {
    private static RedisStore store;

    @BeforeAll
    static void openStore() {
        store = RedisTestServers.cluster().openStore();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @BeforeEach
    void emptyTheCluster() {
        RedisTestServers.cluster().flush();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a{b}c", "{}", "}{", "{conv}", "x{", "{a}{b}", "khách {VIP} 🙏"})
    void aConversationWithBracesInItsIdRunsItsWholeLifecycleOnACluster(String id) {
        ConversationId conversation = ConversationId.of(id);
        InboundMessage hello = message(conversation, "m{1}", 0, "Xin chào");

        assertEquals(AcceptOutcome.ACCEPTED, store.state().accept(hello));
        assertEquals(AcceptOutcome.ALREADY_SEEN, store.state().accept(hello));
        Lease lease = store.locks().tryAcquire(conversation, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(ReleaseOutcome.PENDING_REMAIN, store.locks().releaseIfNoPending(lease));
        assertEquals(List.of(hello), store.state().pending(conversation, 10));
        assertEquals(new PendingSnapshot(List.of(hello), Set.of(hello.id())),
                store.state().snapshot(conversation, 10));
        store.locks().raiseFencingFloor(conversation, lease.fencingToken());
        assertTrue(store.state().removePending(lease, Set.of(hello.id())));
        assertEquals(ReleaseOutcome.RELEASED, store.locks().releaseIfNoPending(lease));

        ConversationPage page = store.state().conversations(0, 10);
        assertEquals(List.of(conversation), page.conversations().stream().map(c -> c.conversationId()).toList());
        assertEquals(hello.id(), store.state().conversation(conversation).orElseThrow().lastMessageId());
    }
}
