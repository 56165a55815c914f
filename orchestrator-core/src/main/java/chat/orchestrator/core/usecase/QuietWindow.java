package chat.orchestrator.core.usecase;

import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.StatePort;
import java.time.Duration;
import java.util.Set;

/**
 * Consolidation: waits until no message has joined the pending set for one window, so a burst ("hi" / "I want" /
 * "to book a check-up") is answered once. Bounded, so a customer who never stops typing still gets an answer.
 */
final class QuietWindow {
    private final StatePort state;
    private final Scheduler scheduler;
    private final Duration window;
    private final long maxRounds;

    QuietWindow(StatePort state, Scheduler scheduler, Duration window, Duration maxWait) {
        this.state = state;
        this.scheduler = scheduler;
        this.window = window;
        this.maxRounds = window.isZero() ? 0 : Math.max(1, maxWait.toMillis() / Math.max(1, window.toMillis()));
    }

    /** The longest {@link #await} waits: nothing when there is no window. */
    Duration longest() {
        return window.multipliedBy(maxRounds);
    }

    void await(ConversationId conversationId) throws InterruptedException {
        if (maxRounds == 0) {
            return;
        }
        Set<MessageId> before = state.pendingIds(conversationId);
        for (long round = 0; round < maxRounds; round++) {
            scheduler.sleep(window);
            Set<MessageId> after = state.pendingIds(conversationId);
            if (after.equals(before)) {
                return;
            }
            before = after;
        }
    }
}
