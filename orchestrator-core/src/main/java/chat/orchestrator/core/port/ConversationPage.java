package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationState;
import java.util.List;

/** One page of the conversation listing, most recently active first, with the total count. */
public record ConversationPage(long total, List<ConversationState> conversations) {
    public ConversationPage {
        conversations = List.copyOf(conversations);
    }
}
