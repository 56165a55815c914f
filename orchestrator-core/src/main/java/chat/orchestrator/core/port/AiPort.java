package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;

/**
 * The AI service. Blocking; implementations must give up promptly when the calling thread is interrupted, which
 * is how the core cancels an answer that a newer message has made stale.
 */
public interface AiPort {

    /**
     * Answers the burst in its context. Throws {@link AiRejectedException} when the service refuses the request for
     * good (bad key, unknown model, bad request: retrying cannot help), {@link AiUnavailableException} for a failure
     * that may pass (timeouts, 5xx, rate limits, an answer we cannot read).
     */
    AiReply answer(ConversationContext context);
}
