package chat.orchestrator.inmemory;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.ComponentHealth;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryHealthTest {
    private final InMemoryStore store = new InMemoryStore(new TestClock(Instant.parse("2026-11-25T10:00:00Z")));
    private final InMemoryState state = new InMemoryState(store);
    private final InMemoryHealth health = new InMemoryHealth(store);

    @Test
    void anEmptyStoreIsUpWithNoConversations() {
        ComponentHealth empty = health.check();

        assertEquals("memory", empty.component());
        assertTrue(empty.up());
        assertEquals(Map.of("conversations", "0"), empty.figures());
    }

    @Test
    void theFigureCountsConversationsNotMessages() {
        ConversationId first = newConversation();
        ConversationId second = newConversation();
        state.accept(message(first, "m1", 0, "Xin chào"));
        state.accept(message(first, "m2", 100, "Tôi muốn đặt lịch"));
        state.accept(message(second, "m1", 0, "Hello"));

        assertEquals("2", health.check().figures().get("conversations"));
    }
}
