package chat.orchestrator.redis;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;

/** A pending message's body as stored in Redis: JSON with the timestamp in ISO-8601, exact to the nanosecond. */
final class MessageJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MessageJson() {
    }

    /** The stored shape; kept apart from the domain record so the domain needs no JSON annotations. */
    private record StoredMessage(String id, String conversationId, String content, String senderId, String senderType,
                                 String timestamp, Map<String, String> metadata) {
    }

    static String write(InboundMessage message) {
        try {
            return MAPPER.writeValueAsString(new StoredMessage(message.id().value(), message.conversationId().value(),
                    message.content(), message.senderId(), message.senderType().name(), message.timestamp().toString(),
                    message.metadata()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write message " + message.id() + " as JSON", e);
        }
    }

    static InboundMessage read(String json) {
        try {
            StoredMessage stored = MAPPER.readValue(json, StoredMessage.class);
            return new InboundMessage(MessageId.of(stored.id()), ConversationId.of(stored.conversationId()),
                    stored.content(), stored.senderId(), SenderType.valueOf(stored.senderType()),
                    Instant.parse(stored.timestamp()), stored.metadata());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a pending message in Redis is not valid JSON", e);
        }
    }
}
