package chat.orchestrator.http.pancake;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Deliveries and settings for the Pancake client tests: Pancake-shaped ids, small backoffs. */
final class Deliveries {
    static final ConversationId CONVERSATION = ConversationId.of("105230123456789_6029384756102938");
    static final RunId RUN = new RunId(UUID.fromString("5b0c7a3e-9d1f-4c2a-8e6b-1f2a3b4c5d6e"));
    static final int MAX_ATTEMPTS = 3;

    private Deliveries() {
    }

    static Delivery of(Action... actions) {
        return of(CONVERSATION, actions);
    }

    static Delivery of(ConversationId conversation, Action... actions) {
        return of(conversation, Optional.empty(), actions);
    }

    /** An answer that goes out as {@code page}. */
    static Delivery of(ConversationId conversation, Optional<PageId> page, Action... actions) {
        AiReply reply = new AiReply("Dạ còn ạ 🙏", "book_appointment", 0.93, Map.of("day", "thứ Hai"),
                "qwen2.5-7b-instruct", Duration.ofMillis(1234), List.of(actions));
        return new Delivery(conversation, RUN, new FencingToken(7), reply, java.time.Instant.parse("2026-11-25T09:41:30Z"),
                Set.of(), page);
    }

    static PancakeClientSettings settings(URI base, String callbackPath, Optional<String> accessToken,
                                          Optional<String> pageId, Optional<String> pageAccessToken) {
        return new PancakeClientSettings(base, callbackPath, accessToken, pageId, pageAccessToken,
                Duration.ofSeconds(5), MAX_ATTEMPTS, Duration.ofMillis(10), Duration.ofMillis(40));
    }
}
