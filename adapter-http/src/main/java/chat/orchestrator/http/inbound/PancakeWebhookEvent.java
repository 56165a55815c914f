package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pancake's own webhook payload. Only a customer's message becomes an {@link InboundMessage}; the page's own
 * messages (echoes of our replies) and other events are recognised so they can be acknowledged and ignored.
 */
final class PancakeWebhookEvent {

    /** What a webhook body turned out to be. */
    sealed interface Parsed {
        record CustomerMessage(InboundMessage message) implements Parsed {
        }

        record Ignored(String reason) implements Parsed {
        }
    }

    private PancakeWebhookEvent() {
    }

    static Parsed parse(JsonNode body, Clock clock) {
        String eventType = text(body, "event_type").orElseThrow(() -> new InvalidInputException("event_type", "is required"));
        if (!"messaging".equals(eventType)) {
            return new Parsed.Ignored("not_a_message_event");
        }
        String pageId = WireIds.require("page_id",
                text(body, "page_id").orElseThrow(() -> new InvalidInputException("page_id", "is required")));
        JsonNode data = object(body, "data");
        JsonNode conversation = object(data, "data.conversation", "conversation");
        JsonNode message = object(data, "data.message", "message");
        String senderId = WireIds.require("data.message.from.id", text(object(message, "data.message.from", "from"), "id")
                .orElseThrow(() -> new InvalidInputException("data.message.from.id", "is required")));
        if (senderId.equals(pageId)) {
            // Pancake echoes what the page sends, our own replies included: answering them would loop.
            return new Parsed.Ignored("echo_of_page_message");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("page_id", pageId);
        metadata.put("source", "pancake_webhook");
        text(conversation, "type").ifPresent(type -> metadata.put("conversation_type", type));
        text(message.get("from"), "name").ifPresent(name -> metadata.put("sender_name", name));
        return new Parsed.CustomerMessage(new InboundMessage(
                MessageId.of(WireIds.require("data.message.id", text(message, "id")
                        .orElseThrow(() -> new InvalidInputException("data.message.id", "is required")))),
                ConversationId.of(WireIds.require("data.conversation.id", text(conversation, "id")
                        .orElseThrow(() -> new InvalidInputException("data.conversation.id", "is required")))),
                content(message),
                senderId,
                SenderType.USER,
                createdAt(message, clock),
                metadata));
    }

    /** Text, or a placeholder naming the attachments when a customer sends only a picture or a sticker. */
    private static String content(JsonNode message) {
        String text = text(message, "message").orElse("");
        if (!text.isBlank()) {
            return text;
        }
        JsonNode attachments = message.get("attachments");
        if (attachments != null && attachments.isArray() && !attachments.isEmpty()) {
            return "[attachment: " + Optional.ofNullable(attachments.get(0).get("type")).map(JsonNode::asText).orElse("file") + "]";
        }
        throw new InvalidInputException("data.message.message", "must not be blank when there is no attachment");
    }

    /** Pancake sends local ISO date-times without a zone; they are taken as UTC. Absent: the time of arrival. */
    private static Instant createdAt(JsonNode message, Clock clock) {
        JsonNode value = message.get("created_at");
        if (value == null || value.isNull()) {
            return clock.instant();
        }
        if (value.isNumber()) {
            double seconds = value.asDouble();
            // The same range as the sync endpoint's timestamp: a far-future one would sort after every real message.
            if (!(seconds >= 0 && seconds < 4_102_444_800d)) {
                throw new InvalidInputException("data.message.created_at", "must be seconds since the epoch before the year 2100");
            }
            return Instant.ofEpochMilli((long) (seconds * 1000));
        }
        String text = value.asText();
        try {
            return text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? java.time.OffsetDateTime.parse(text).toInstant()
                    : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notADate) {
            throw new InvalidInputException("data.message.created_at", "must be an ISO-8601 date-time");
        }
    }

    private static JsonNode object(JsonNode parent, String field) {
        return object(parent, field, field);
    }

    private static JsonNode object(JsonNode parent, String path, String field) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || !value.isObject()) {
            throw new InvalidInputException(path, "must be an object");
        }
        return value;
    }

    private static Optional<String> text(JsonNode parent, String field) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual() || value.isNumber()) {
            return Optional.of(value.asText());
        }
        throw new InvalidInputException(field, "must be a string");
    }
}
