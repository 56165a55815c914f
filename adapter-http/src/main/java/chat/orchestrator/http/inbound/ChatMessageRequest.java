package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ChatTurnIds;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.domain.SenderType;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/chat/message}: an optional conversation id (generated when absent), the history
 * markup, and free-form resources. The customer turns after the bot's last answer become the burst to answer, each
 * with a stable id so a retried request deduplicates.
 */
record ChatMessageRequest(ConversationId conversationId, List<InboundMessage> burst) {

    static ChatMessageRequest parse(JsonNode body, Instant now) {
        JsonFields fields = new JsonFields(body);
        ConversationId conversation = ConversationId.of(
                fields.optionalId("conversation_id").orElseGet(() -> UUID.randomUUID().toString()));
        String markup = fields.requiredString("history");
        Map<String, String> resources = fields.optionalStringMap("resources");
        if (resources.size() > InboundMessage.MAX_METADATA_ENTRIES) {
            throw new InvalidInputException("resources", "must have at most " + InboundMessage.MAX_METADATA_ENTRIES + " entries");
        }
        String sender = WireIds.require("resources.user_id", resources.getOrDefault("user_id", "anonymous"));
        List<HistoryMarkup.MarkupTurn> turns = HistoryMarkup.parse(markup);
        List<InboundMessage> burst = HistoryMarkup.unansweredCustomerTurns(turns).stream()
                .map(index -> new InboundMessage(
                        ChatTurnIds.of(conversation, index, turns.get(index).text()),
                        conversation,
                        turns.get(index).text(),
                        sender.isBlank() ? "anonymous" : sender,
                        SenderType.USER,
                        // Turns of one request arrive together: their position is their order.
                        now.plusNanos(1_000L * index),
                        resources))
                .toList();
        return new ChatMessageRequest(conversation, burst);
    }
}
