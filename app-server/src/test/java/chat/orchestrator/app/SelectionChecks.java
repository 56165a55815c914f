package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.AnalyticsWindow;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.ReleaseOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** What every selection must guarantee, checked through the ports themselves. */
final class SelectionChecks {
    private SelectionChecks() {
    }

    static ConversationId newConversation() {
        return ConversationId.of("conv_" + UUID.randomUUID());
    }

    static InboundMessage message(ConversationId conversation, String id, String text) {
        return new InboundMessage(MessageId.of(id), conversation, text, "user_123", SenderType.USER,
                Instant.parse("2026-11-25T09:41:27Z"), Map.of("platform", "web"));
    }

    /**
     * The lock sees the messages the state accepted, so it cannot be released over a pending one: the two ports
     * share one store, as LockPort requires.
     */
    static void assertLocksAndStateShareOneStore(SelectedAdapters adapters) {
        ConversationId conversation = newConversation();
        Lease lease = adapters.locks().tryAcquire(conversation, Duration.ofSeconds(10)).orElseThrow();

        assertEquals(AcceptOutcome.ACCEPTED, adapters.state().accept(message(conversation, "m1", "Xin chào")));

        assertEquals(ReleaseOutcome.PENDING_REMAIN, adapters.locks().releaseIfNoPending(lease));
    }

    /** The analytics read the history in use: a message it records counts in the report of the last two hours. */
    static void assertAnalyticsReadTheHistory(SelectedAdapters adapters, Clock clock) {
        long before = lastTwoHours(adapters, clock).messagesReceived();

        adapters.history().record(message(newConversation(), "m1", "Xin chào"));

        assertEquals(before + 1, lastTwoHours(adapters, clock).messagesReceived());
    }

    private static AnalyticsReport lastTwoHours(SelectedAdapters adapters, Clock clock) {
        return adapters.analytics().report(AnalyticsWindow.lastHours(clock.instant().plusSeconds(1), 2));
    }
}
