package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.Handoff;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The JSON of a hand-off to people, in the admin listing, the hand-off endpoints and a message outcome. */
final class HandoffJson {
    private HandoffJson() {
    }

    /** Puts {@code field}: the hand-off in force, or null when the bot has the conversation. */
    static void put(ObjectNode node, String field, Optional<Handoff> handoff) {
        handoff.ifPresentOrElse(h -> node.putObject(field)
                .put("since", h.since().toString())
                .put("by", h.by().wireName())
                .put("reason", h.reason())
                .put("last_activity", h.lastActivity().toString()), () -> node.putNull(field));
    }
}
