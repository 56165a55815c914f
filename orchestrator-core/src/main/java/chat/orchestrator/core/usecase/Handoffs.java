package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.LifecycleEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hand-offs to people: whether a conversation is with people now (its stored hand-off, unless idle past the
 * timeout), and an operator's hand-off and hand-back. Durable history holds them, so every instance sees the same
 * and a state store restarted empty forgets nothing.
 */
public final class Handoffs {
    private final HistoryPort history;
    private final Clock clock;
    private final Duration idleTimeout;
    private final LifecycleEvents events;

    public Handoffs(HistoryPort history, Clock clock, Duration idleTimeout, LifecycleEvents events) {
        this.history = history;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.events = events;
    }

    /** The conversation's hand-off if people have it now. */
    public Optional<Handoff> active(ConversationId conversationId) {
        return activeOf(history.handoff(conversationId));
    }

    /** The stored hand-off, already read (with a pass's fence), if people have the conversation now. */
    public Optional<Handoff> activeOf(Optional<Handoff> stored) {
        return stored.filter(h -> h.activeAt(clock.instant(), idleTimeout));
    }

    /** The hand-offs in force among these conversations, read at once. */
    public Map<ConversationId, Handoff> activeAmong(Set<ConversationId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return history.handoffs(ids).entrySet().stream()
                .filter(e -> e.getValue().activeAt(clock.instant(), idleTimeout))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * An operator hands the conversation to people; a hand-off already in force is kept as it is (asking twice changes
     * nothing). Empty when the conversation is unknown (no message recorded).
     */
    public Optional<Handoff> handOff(ConversationId conversationId, String reason) {
        Optional<Handoff> current = active(conversationId);
        if (current.isPresent()) {
            return current;
        }
        // Microseconds, as stores keep them: the hand-off read back is the one stored.
        Handoff handoff = Handoff.starting(clock.instant().truncatedTo(ChronoUnit.MICROS), Handoff.By.ADMIN, reason);
        if (!history.handOff(conversationId, handoff)) {
            return Optional.empty();
        }
        events.handedOff(conversationId, Handoff.By.ADMIN);
        return Optional.of(handoff);
    }

    /** Hands the conversation back to the bot, which answers its next message; false when it is unknown. */
    public boolean resume(ConversationId conversationId) {
        return history.resume(conversationId);
    }
}
