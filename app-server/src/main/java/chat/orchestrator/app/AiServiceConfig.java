package chat.orchestrator.app;

import chat.orchestrator.http.ai.AiClientSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The AI service to call, configured by {@code AI_SERVICE_URL}: which protocol it speaks and how to reach it.
 * Without the URL the built-in responder answers.
 */
public record AiServiceConfig(Protocol protocol, AiClientSettings client) {

    /** {@code AI_SERVICE_PROTOCOL}. */
    public enum Protocol {
        /** POST {@code {AI_SERVICE_URL}/chat/completions}, as OpenAI, vLLM, Ollama, llama.cpp and LiteLLM serve it. */
        OPENAI,
        /** Our own JSON protocol (docs/ai-protocol.md). */
        NATIVE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AiServiceConfig {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(client, "client");
    }

    static Optional<AiServiceConfig> read(Environment env) {
        env.requireWith("AI_SERVICE_URL", "without it the built-in responder answers",
                "AI_SERVICE_PROTOCOL", "AI_MODEL", "AI_API_KEY", "AI_SERVICE_TIMEOUT");
        Optional<URI> url = env.url("AI_SERVICE_URL");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        Protocol protocol = Protocol.valueOf(env.choice("AI_SERVICE_PROTOCOL", "openai", List.of("openai", "native"))
                .toUpperCase(Locale.ROOT));
        Optional<String> model = env.optional("AI_MODEL");
        if (protocol == Protocol.OPENAI && model.isEmpty()) {
            throw new ConfigurationException("AI_MODEL is required when AI_SERVICE_PROTOCOL is openai (the default):"
                    + " every chat-completions request names its model");
        }
        Duration timeout = env.seconds("AI_SERVICE_TIMEOUT", AiClientSettings.DEFAULT_TIMEOUT, 1, 600);
        AiClientSettings client = Environment.validatedByAdapter(() -> new AiClientSettings(url.get(), model,
                env.optional("AI_API_KEY"), AiClientSettings.DEFAULT_TEMPERATURE, timeout,
                AiClientSettings.DEFAULT_MAX_ATTEMPTS, AiClientSettings.DEFAULT_INITIAL_BACKOFF,
                AiClientSettings.DEFAULT_MAX_BACKOFF));
        return Optional.of(new AiServiceConfig(protocol, client));
    }
}
