package chat.orchestrator.core.port;

import java.util.Map;
import java.util.Objects;

/**
 * The bot's configuration as operators edit it: its name, the system prompt the AI gets first, and free-form AI
 * and platform settings (model, temperature, page id...).
 */
public record BotProfile(String botName, String systemPrompt, Map<String, String> aiSettings,
                         Map<String, String> platformSettings) {

    public static final BotProfile DEFAULT = new BotProfile("Default Bot",
            "You are the customer service assistant of this business. Answer briefly and politely, in the"
                    + " customer's language. Reply with JSON that matches the schema.",
            Map.of(), Map.of());

    public BotProfile {
        if (botName == null || botName.isBlank()) {
            throw new IllegalArgumentException("botName must not be blank");
        }
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        aiSettings = Map.copyOf(aiSettings);
        platformSettings = Map.copyOf(platformSettings);
    }
}
