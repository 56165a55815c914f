package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;

/**
 * The AI service. Blocking; implementations must give up promptly when the calling thread is interrupted, which
 * is how the core cancels an answer that a newer message has made stale.
 */
public interface AiPort {

    /** Answers the burst in its context, or throws {@link AiUnavailableException}. */
    AiReply answer(ConversationContext context);
}
