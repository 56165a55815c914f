package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The fence at the start of a pass and what the pass needs from durable history, read in the same step once the
 * fence holds: the conversation's unanswered messages (a holder answers every waiting message it can know of, even
 * one the state store has lost), which of the pass's batch an answer already consumed, the stored hand-off and the
 * recent turns for the AI. Refused fences carry nothing read.
 */
public record FenceRaised(FencedWrite write, List<InboundMessage> unanswered, Set<MessageId> answered,
                          Optional<Handoff> handoff, List<Turn> recentTurns) {
    public FenceRaised {
        Objects.requireNonNull(write, "write");
        unanswered = List.copyOf(unanswered);
        answered = Set.copyOf(answered);
        Objects.requireNonNull(handoff, "handoff");
        recentTurns = List.copyOf(recentTurns);
        if (write instanceof FencedWrite.Refused
                && (!unanswered.isEmpty() || !answered.isEmpty() || handoff.isPresent() || !recentTurns.isEmpty())) {
            throw new IllegalArgumentException("a refused fence reads nothing");
        }
    }

    /** The fence with only the unanswered messages read. */
    public FenceRaised(FencedWrite write, List<InboundMessage> unanswered) {
        this(write, unanswered, Set.of(), Optional.empty(), List.of());
    }

    /** A refused fence: nothing read. */
    public static FenceRaised refused(FencedWrite.Refused refused) {
        return new FenceRaised(refused, List.of());
    }

    /**
     * What a pass reads with its fence: up to {@code unansweredLimit} unanswered messages, which of {@code batch} are
     * answered, and the last {@code recentTurns} turns (none when 0); the stored hand-off always.
     */
    public record Reads(Set<MessageId> batch, int unansweredLimit, int recentTurns) {
        public Reads {
            batch = Set.copyOf(batch);
            if (unansweredLimit < 0 || recentTurns < 0) {
                throw new IllegalArgumentException("limits must not be negative");
            }
        }

        /** Only the unanswered messages, up to {@code limit}. */
        public static Reads unanswered(int limit) {
            return new Reads(Set.of(), limit, 0);
        }
    }
}
