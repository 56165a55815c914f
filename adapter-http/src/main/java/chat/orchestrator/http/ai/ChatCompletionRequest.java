package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.Turn;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body of one chat-completions request: the system prompt, the conversation's earlier turns (customer as
 * {@code user}, bot as {@code assistant}), the burst's messages as {@code user} in timestamp order, and a
 * {@code response_format} asking for our answer object.
 */
final class ChatCompletionRequest {
    private final ObjectMapper json;
    private final ObjectNode responseFormat;

    ChatCompletionRequest(ObjectMapper json) {
        this.json = json;
        this.responseFormat = responseFormat(json);
    }

    ObjectNode body(ConversationContext context, String systemPrompt, String model, double temperature) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        body.put("temperature", temperature);
        ArrayNode messages = body.putArray("messages");
        // Some chat templates (llama.cpp, Ollama) refuse an empty system message; no prompt means no message.
        if (!systemPrompt.isBlank()) {
            message(messages, "system", systemPrompt);
        }
        for (Turn turn : context.history()) {
            message(messages, turn.role() == Turn.Role.CUSTOMER ? "user" : "assistant", turn.text());
        }
        // ConversationContext keeps its burst in timestamp order (invariant 5); the order is kept as given.
        for (InboundMessage message : context.burst()) {
            message(messages, "user", message.content());
        }
        body.set("response_format", responseFormat.deepCopy());
        return body;
    }

    private static void message(ArrayNode messages, String role, String content) {
        messages.addObject().put("role", role).put("content", content);
    }

    /**
     * The JSON schema of our answer. {@code strict} is false because OpenAI's strict mode accepts only closed
     * objects, which free-form {@code entities} and action {@code data} are not; we validate on our side instead.
     */
    private static ObjectNode responseFormat(ObjectMapper json) {
        ObjectNode format = json.createObjectNode().put("type", "json_schema");
        ObjectNode schemaWrapper = format.putObject("json_schema").put("name", "bot_answer").put("strict", false);
        ObjectNode schema = schemaWrapper.putObject("schema").put("type", "object").put("additionalProperties", false);
        schema.putArray("required").add("response_text").add("intent").add("confidence").add("entities").add("actions");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("response_text").put("type", "string");
        properties.putObject("intent").put("type", "string");
        properties.putObject("confidence").put("type", "number");
        properties.putObject("entities").put("type", "object").putObject("additionalProperties").put("type", "string");
        ObjectNode action = properties.putObject("actions").put("type", "array").putObject("items")
                .put("type", "object").put("additionalProperties", false);
        action.putArray("required").add("type").add("data");
        ObjectNode actionProperties = action.putObject("properties");
        ArrayNode types = actionProperties.putObject("type").put("type", "string").putArray("enum");
        ActionType.wireNames().forEach(types::add);
        actionProperties.putObject("data").put("type", "object");
        return format;
    }
}
