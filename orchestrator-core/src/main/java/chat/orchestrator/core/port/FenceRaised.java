package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.InboundMessage;
import java.util.List;
import java.util.Objects;

/**
 * The fence at the start of a pass and what durable history holds unanswered for the conversation, read in the
 * same step: a holder answers every waiting message it can know of, even one the state store has lost. Refused
 * fences carry no messages.
 */
public record FenceRaised(FencedWrite write, List<InboundMessage> unanswered) {
    public FenceRaised {
        Objects.requireNonNull(write, "write");
        unanswered = List.copyOf(unanswered);
        if (write instanceof FencedWrite.Refused && !unanswered.isEmpty()) {
            throw new IllegalArgumentException("a refused fence reads nothing");
        }
    }
}
