package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.BotProfile;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The AI service over our own plain JSON protocol for custom services: POST {@code {AI_SERVICE_URL}/answer} with
 * the conversation, expecting our answer object back. The protocol is documented in {@code docs/ai-protocol.md};
 * timeouts, retries and validation are the same as for the OpenAI-compatible protocol.
 */
public final class NativeAiClient implements AiPort, AutoCloseable {
    /** Appended to the service URL. */
    public static final String PATH = "/answer";

    private final AiClientSettings settings;
    private final Supplier<BotProfile> botProfile;
    private final URI endpoint;
    private final ObjectMapper json = AiExchange.mapper();
    private final BotAnswerReader reader = new BotAnswerReader(json);
    private final AiExchange exchange;

    /** @param botProfile read on every call, so an operator's new system prompt applies to the next answer */
    public NativeAiClient(AiClientSettings settings, Supplier<BotProfile> botProfile) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.botProfile = Objects.requireNonNull(botProfile, "botProfile");
        this.endpoint = settings.endpoint(PATH);
        this.exchange = new AiExchange(settings, "native", json);
    }

    @Override
    public AiReply answer(ConversationContext context) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(request(context, botProfile.get().systemPrompt()));
        } catch (JsonProcessingException impossible) {
            throw new AiUnavailableException("could not write the AI request for " + context.conversationId(), impossible);
        }
        String response = exchange.post(context.conversationId(), endpoint, body);
        JsonNode answer;
        try {
            answer = json.readTree(response);
        } catch (JsonProcessingException malformed) {
            throw new AiUnavailableException("AI answer (native) for conversation " + context.conversationId()
                    + " is not JSON: " + malformed.getOriginalMessage(), malformed);
        }
        JsonNode modelUsed = answer.path("model_used");
        String model = modelUsed.isTextual() && !modelUsed.asText().isBlank() ? modelUsed.asText()
                : settings.model().orElse("unknown");
        return reader.read(answer, model, context.conversationId());
    }

    private static Request request(ConversationContext context, String systemPrompt) {
        return new Request(context.conversationId().value(), systemPrompt,
                context.history().stream().map(turn -> new HistoryTurn(turn.role().name().toLowerCase(Locale.ROOT),
                        turn.text(), epochSeconds(turn.at()))).toList(),
                context.burst().stream().map(message -> new Message(message.id().value(), message.content(),
                        message.senderId(), epochSeconds(message.timestamp()),
                        new TreeMap<>(message.metadata()))).toList());
    }

    /** The body of a native request (docs/ai-service.md); snake_case by the AI clients' mapper. */
    record Request(String conversationId, String systemPrompt, List<HistoryTurn> history, List<Message> messages) {
    }

    record HistoryTurn(String role, String text, BigDecimal timestamp) {
    }

    /** {@code metadata} in key order, so the same burst is the same bytes. */
    record Message(String messageId, String content, String senderId, BigDecimal timestamp,
                   Map<String, String> metadata) {
    }

    /** Seconds since the epoch with milliseconds, as our inbound API takes them ({@code 1699123456.789}). */
    static BigDecimal epochSeconds(Instant at) {
        return BigDecimal.valueOf(at.toEpochMilli(), 3);
    }

    @Override
    public void close() {
        exchange.close();
    }
}
