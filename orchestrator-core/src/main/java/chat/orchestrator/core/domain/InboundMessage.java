package chat.orchestrator.core.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One message as Pancake delivered it. Self-validating: an instance that exists is safe to store.
 * Metadata values are kept as strings (nested JSON arrives already serialised) so the core needs no JSON library.
 */
public record InboundMessage(
        MessageId id,
        ConversationId conversationId,
        String content,
        String senderId,
        SenderType senderType,
        Instant timestamp,
        Map<String, String> metadata) {

    public static final int MAX_CONTENT_LENGTH = 16_000;
    public static final int MAX_METADATA_ENTRIES = 50;
    /** Parsed once: parsing it for every message cost more than the rest of the checks together. */
    private static final Instant LATEST_TIMESTAMP = Instant.parse("2100-01-01T00:00:00Z");

    public InboundMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(conversationId, "conversationId");
        if (content == null) {
            throw new InvalidInputException("message_content", "is required");
        }
        if (content.isBlank()) {
            throw new InvalidInputException("message_content", "must not be blank");
        }
        if (content.length() > MAX_CONTENT_LENGTH) {
            throw new InvalidInputException("message_content", "must be at most " + MAX_CONTENT_LENGTH + " characters");
        }
        senderId = Identifiers.require(senderId, "sender_id");
        if (senderType == null) {
            throw new InvalidInputException("sender_type", "is required");
        }
        if (timestamp == null) {
            throw new InvalidInputException("timestamp", "is required");
        }
        if (timestamp.isBefore(Instant.EPOCH) || timestamp.isAfter(LATEST_TIMESTAMP)) {
            throw new InvalidInputException("timestamp", "must be seconds since the epoch before the year 2100");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new InvalidInputException("metadata", "must have at most " + MAX_METADATA_ENTRIES + " entries");
        }
    }
}
