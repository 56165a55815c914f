package chat.orchestrator.core.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What handling one inbound message came to; expected outcomes are values, not exceptions. */
public sealed interface MessageOutcome {
    MessageId messageId();

    /** The message was part of a burst whose fresh answer was stored and sent. */
    record Completed(MessageId messageId, AiReply reply, DeliveryReport delivery, int consolidatedMessages)
            implements MessageOutcome {
        public Completed {
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(reply);
            Objects.requireNonNull(delivery);
        }
    }

    /** Another worker holds the conversation; the message is pending and that worker will answer it. */
    record Locked(MessageId messageId) implements MessageOutcome {
        public Locked {
            Objects.requireNonNull(messageId);
        }
    }

    /**
     * The answer computed for this message went stale because newer messages arrived; it was discarded and the
     * burst is being answered again with all pending messages. The discarded answer is absent when the AI call
     * was cancelled before it finished.
     */
    record RestartNeeded(MessageId messageId, List<NewerMessage> newerMessages, Optional<AiReply> discarded)
            implements MessageOutcome {
        public RestartNeeded {
            Objects.requireNonNull(messageId);
            newerMessages = List.copyOf(newerMessages);
            Objects.requireNonNull(discarded);
        }
    }

    /** The message id was seen before; carries the answer that covered it when one is known. */
    record Duplicate(MessageId messageId, Optional<AiReply> earlierAnswer) implements MessageOutcome {
        public Duplicate {
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(earlierAnswer);
        }
    }

    /** Handling stopped on a broken dependency; {@code retryable} says whether the caller should try again. */
    record Failed(MessageId messageId, String reason, boolean retryable) implements MessageOutcome {
        public Failed {
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(reason);
        }
    }

    /**
     * The AI service refused to answer (a bad key, an unknown model, a request it calls malformed): a misconfiguration,
     * not an outage. The message stays recorded and pending, unanswered; it is answered once the AI accepts again.
     */
    record AiRejected(MessageId messageId, String reason) implements MessageOutcome {
        public AiRejected {
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(reason);
        }
    }

    /**
     * People have the conversation ({@link Handoff}): the message was recorded and is theirs to answer; the bot did
     * not call the AI and sends nothing.
     */
    record HandedOff(MessageId messageId, Handoff handoff) implements MessageOutcome {
        public HandedOff {
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(handoff);
        }
    }

    /** A message that arrived while the AI was answering, which made the answer stale. */
    record NewerMessage(MessageId messageId, java.time.Instant timestamp) {
        public NewerMessage {
            Objects.requireNonNull(messageId);
            Objects.requireNonNull(timestamp);
        }
    }
}
