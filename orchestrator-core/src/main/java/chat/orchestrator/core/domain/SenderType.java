package chat.orchestrator.core.domain;

import java.util.Locale;

/** Who wrote a message: the customer, a human agent, the bot itself or the platform. */
public enum SenderType {
    USER, AGENT, BOT, SYSTEM;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SenderType parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("sender_type", "is required");
        }
        for (SenderType type : values()) {
            if (type.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new InvalidInputException("sender_type", "must be one of user, agent, bot, system");
    }
}
