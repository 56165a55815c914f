package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.AiUnavailableException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a chat-completions response into an {@link AiReply}. The message content comes in three styles, because
 * not every server honours {@code response_format}: our JSON object (servers that do), that object inside a
 * Markdown fence (small local models), or plain text (servers that ignore the schema), which becomes one
 * {@code send_message}. Content that starts like JSON but does not parse is refused rather than sent as text:
 * the customer would read half an object, and the usual cause (output cut at the token limit) is worth a log line.
 */
final class ChatCompletionAnswer {
    private static final Pattern FENCE = Pattern.compile("```[A-Za-z]*[ \\t]*\\R?(.*?)```", Pattern.DOTALL);

    private final ObjectMapper json;
    private final BotAnswerReader reader;

    ChatCompletionAnswer(ObjectMapper json, BotAnswerReader reader) {
        this.json = json;
        this.reader = reader;
    }

    AiReply read(String responseBody, Optional<String> configuredModel, ConversationId conversation) {
        JsonNode response = parse(responseBody).filter(JsonNode::isObject).orElseThrow(() ->
                new AiUnavailableException("AI response for conversation " + conversation + " is not a JSON object"));
        String model = response.path("model").isTextual() && !response.path("model").asText().isBlank()
                ? response.path("model").asText() : configuredModel.orElse("unknown");
        JsonNode choice = response.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual() || content.asText().isBlank()) {
            throw new AiUnavailableException("AI response for conversation " + conversation + " has no message content"
                    + finishReason(choice));
        }
        String text = content.asText().strip();
        Optional<String> answerJson = text.startsWith("{") ? Optional.of(text) : fenced(text);
        if (answerJson.isEmpty()) {
            return reader.plainText(text, model, conversation);
        }
        JsonNode answer = parse(answerJson.get()).filter(JsonNode::isObject).orElseThrow(() ->
                new AiUnavailableException("AI answer for conversation " + conversation
                        + " looks like JSON but does not parse" + finishReason(choice)));
        return reader.read(answer, model, conversation);
    }

    /** The first fenced block whose body is a JSON object, as in {@code ```json {...} ```}. */
    private static Optional<String> fenced(String text) {
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            String inner = fence.group(1).strip();
            if (inner.startsWith("{")) {
                return Optional.of(inner);
            }
        }
        return Optional.empty();
    }

    private Optional<JsonNode> parse(String text) {
        try {
            return Optional.ofNullable(json.readTree(text));
        } catch (JsonProcessingException malformed) {
            return Optional.empty();
        }
    }

    private static String finishReason(JsonNode choice) {
        JsonNode reason = choice.path("finish_reason");
        return reason.isTextual() ? " (finish_reason " + reason.asText() + ")" : "";
    }
}
