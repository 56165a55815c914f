package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.Turn;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of one chat-completions request: the system prompt, the conversation's earlier turns (customer as
 * {@code user}, bot as {@code assistant}), the burst's messages as {@code user} in timestamp order, and a
 * {@code response_format} asking for our answer object.
 */
record ChatCompletionRequest(String model, double temperature, List<Message> messages,
                             JsonNode responseFormat) {

    /**
     * The JSON schema of our answer, kept as a resource so it reads as the schema it is. {@code strict} is false
     * because OpenAI's strict mode accepts only closed objects, which free-form {@code entities} and action
     * {@code data} are not; we validate on our side instead. Its action types are checked against
     * {@code ActionType} by a test.
     */
    static final String FORMAT_RESOURCE = "bot-answer-format.json";

    record Message(String role, String content) {
    }

    static JsonNode responseFormat(ObjectMapper json) {
        try (InputStream in = ChatCompletionRequest.class.getResourceAsStream(FORMAT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(FORMAT_RESOURCE + " is missing from the class path");
            }
            return json.readTree(in);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(FORMAT_RESOURCE + " is not readable", unreadable);
        }
    }

    static ChatCompletionRequest of(ConversationContext context, String systemPrompt, String model,
                                    double temperature, JsonNode responseFormat) {
        List<Message> messages = new ArrayList<>();
        // Some chat templates (llama.cpp, Ollama) refuse an empty system message; no prompt means no message.
        if (!systemPrompt.isBlank()) {
            messages.add(new Message("system", systemPrompt));
        }
        for (Turn turn : context.history()) {
            messages.add(new Message(turn.role() == Turn.Role.CUSTOMER ? "user" : "assistant", turn.text()));
        }
        // ConversationContext keeps its burst in timestamp order (invariant 5); the order is kept as given.
        for (InboundMessage message : context.burst()) {
            messages.add(new Message("user", message.content()));
        }
        return new ChatCompletionRequest(model, temperature, messages, responseFormat);
    }
}
