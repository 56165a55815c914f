package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.BotProfile;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The AI service over the OpenAI-compatible chat-completions protocol (OpenAI, vLLM, Ollama, llama.cpp, LiteLLM):
 * POST {@code {AI_SERVICE_URL}/chat/completions} with the bot's system prompt, the conversation and a JSON-schema
 * answer format; the answer is validated on our side whatever the server claims to enforce.
 */
public final class OpenAiCompatibleClient implements AiPort, AutoCloseable {
    private final AiClientSettings settings;
    private final Supplier<BotProfile> botProfile;
    private final String model;
    private final URI endpoint;
    private final ObjectMapper json = AiExchange.mapper();
    private final JsonNode responseFormat = ChatCompletionRequest.responseFormat(json);
    private final ChatCompletionAnswer answers = new ChatCompletionAnswer(json, new BotAnswerReader(json));
    private final AiExchange exchange;

    /**
     * @param botProfile read on every call, so an operator's new system prompt applies to the next answer
     * @throws IllegalArgumentException when the settings name no model, which this protocol requires
     */
    public OpenAiCompatibleClient(AiClientSettings settings, Supplier<BotProfile> botProfile) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.botProfile = Objects.requireNonNull(botProfile, "botProfile");
        this.model = settings.model().orElseThrow(() -> new IllegalArgumentException(
                "AI model (AI_MODEL) is required for the OpenAI-compatible protocol"));
        this.endpoint = settings.endpoint("/chat/completions");
        this.exchange = new AiExchange(settings, "openai", json);
    }

    @Override
    public AiReply answer(ConversationContext context) {
        String systemPrompt = botProfile.get().systemPrompt();
        byte[] body;
        try {
            body = json.writeValueAsBytes(
                    ChatCompletionRequest.of(context, systemPrompt, model, settings.temperature(), responseFormat));
        } catch (JsonProcessingException impossible) {
            throw new AiUnavailableException("could not write the AI request for " + context.conversationId(), impossible);
        }
        String response = exchange.post(context.conversationId(), endpoint, body);
        return answers.read(response, settings.model(), context.conversationId());
    }

    @Override
    public void close() {
        exchange.close();
    }
}
