package chat.orchestrator.core.domain;

/** Identity of one customer conversation; every lock, key and row of a conversation is keyed by it. */
public record ConversationId(String value) {
    public ConversationId {
        Identifiers.require(value, "conversation_id");
    }

    public static ConversationId of(String value) {
        return new ConversationId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
