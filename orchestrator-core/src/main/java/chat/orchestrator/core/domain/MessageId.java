package chat.orchestrator.core.domain;

/** Identity of one inbound message, unique within its conversation; the key of deduplication. */
public record MessageId(String value) implements Comparable<MessageId> {
    public MessageId {
        Identifiers.require(value, "message_id");
    }

    public static MessageId of(String value) {
        return new MessageId(value);
    }

    @Override
    public int compareTo(MessageId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
