package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /api/v1/enhanced-handle-message}, turned into a validated {@link InboundMessage}. */
final class SyncMessageRequest {
    private SyncMessageRequest() {
    }

    /** Throws {@link chat.orchestrator.core.domain.InvalidInputException} naming the first bad field. */
    static InboundMessage parse(JsonNode body) {
        JsonFields fields = new JsonFields(body);
        return new InboundMessage(
                MessageId.of(fields.requiredId("message_id")),
                ConversationId.of(fields.requiredId("conversation_id")),
                fields.requiredString("message_content"),
                fields.requiredId("sender_id"),
                SenderType.parse(fields.optionalString("sender_type").orElse("user")),
                fields.requiredTimestamp("timestamp"),
                fields.optionalStringMap("metadata"));
    }
}
