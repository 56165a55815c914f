package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.port.AiUnavailableException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an answer in our JSON shape ({@code response_text, intent, confidence, entities, actions}) into an
 * {@link AiReply}, whatever the server claimed to enforce: many servers ignore the schema, so nothing is trusted.
 * What is wrong but harmless is repaired (missing intent, confidence out of range, non-string entity values); an
 * action of an unknown type or with invalid data is dropped with a log line, and the rest of the answer stands; an
 * answer with neither text nor a valid action is refused.
 */
final class BotAnswerReader {
    /** The confidence we report when the model gave none we can use (plain text answers, bad values). */
    static final double UNKNOWN_CONFIDENCE = 0.5;

    private static final System.Logger LOG = System.getLogger(BotAnswerReader.class.getName());
    private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {
    };

    private final ObjectMapper json;

    BotAnswerReader(ObjectMapper json) {
        this.json = json;
    }

    /** Reads an answer object; {@code modelUsed} is what the service said answered, the fallback already applied. */
    AiReply read(JsonNode answer, String modelUsed, ConversationId conversation) {
        if (!answer.isObject()) {
            throw new AiUnavailableException("AI answer for conversation " + conversation + " is not a JSON object");
        }
        String text = answer.path("response_text").isValueNode() && !answer.path("response_text").isNull()
                ? answer.path("response_text").asText() : "";
        List<Action> actions = actions(answer.path("actions"), conversation);
        if (text.isBlank() && actions.isEmpty()) {
            throw new AiUnavailableException("AI answer for conversation " + conversation
                    + " has neither a response_text nor a valid action");
        }
        try {
            return new AiReply(text, textOrEmpty(answer.path("intent")), confidence(answer.path("confidence"), conversation),
                    entities(answer.path("entities")), modelUsed, null, actions);
        } catch (InvalidInputException invalid) {
            throw new AiUnavailableException("AI answer for conversation " + conversation + " is invalid: "
                    + invalid.getMessage(), invalid);
        }
    }

    /** A plain text answer (a server that ignored the schema): one {@code send_message} carrying the text. */
    AiReply plainText(String text, String modelUsed, ConversationId conversation) {
        try {
            return new AiReply(text, "unknown", UNKNOWN_CONFIDENCE, Map.of(), modelUsed, null,
                    List.of(new Action.SendMessage(text)));
        } catch (InvalidInputException invalid) {
            throw new AiUnavailableException("AI text answer for conversation " + conversation + " is unusable: "
                    + invalid.getMessage(), invalid);
        }
    }

    private List<Action> actions(JsonNode items, ConversationId conversation) {
        if (items.isMissingNode() || items.isNull()) {
            return List.of();
        }
        if (!items.isArray()) {
            LOG.log(System.Logger.Level.WARNING, "AI answer conversation={0}: actions is not a list, ignored",
                    conversation);
            return List.of();
        }
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String type = item.path("type").asText("");
            Optional<ActionType> known = ActionType.fromWireName(type);
            if (known.isEmpty()) {
                // Dropped, not fatal: a model inventing an action type should not cost the customer the answer.
                LOG.log(System.Logger.Level.WARNING, "AI answer conversation={0}: action #{1} of unknown type \"{2}\""
                        + " dropped", conversation, i, excerpt(type));
                continue;
            }
            JsonNode data = item.path("data");
            try {
                Map<String, Object> payload = data.isObject() ? json.convertValue(data, PAYLOAD) : Map.of();
                actions.add(Action.fromData(known.get(), payload));
            } catch (RuntimeException invalid) {
                // Broad on purpose: whatever shape the model invented, one bad action must not fail the answer.
                LOG.log(System.Logger.Level.WARNING, "AI answer conversation={0}: action #{1} ({2}) dropped: {3}",
                        conversation, i, type, invalid.getMessage());
            }
        }
        return actions;
    }

    /** A model-made string, made safe for one log line. */
    private static String excerpt(String text) {
        String line = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return line.length() <= 40 ? line : line.substring(0, 40) + "…";
    }

    private static String textOrEmpty(JsonNode node) {
        return node.isTextual() ? node.asText() : "";
    }

    private double confidence(JsonNode node, ConversationId conversation) {
        double value = node.isNumber() ? node.asDouble()
                : node.isTextual() ? parseOrNaN(node.asText()) : Double.NaN;
        if (Double.isNaN(value) || value < 0 || value > 1) {
            if (!node.isMissingNode()) {
                LOG.log(System.Logger.Level.WARNING, "AI answer conversation={0}: confidence {1} unusable, using {2}",
                        conversation, node, UNKNOWN_CONFIDENCE);
            }
            return UNKNOWN_CONFIDENCE;
        }
        return value;
    }

    private static double parseOrNaN(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException notANumber) {
            return Double.NaN;
        }
    }

    /** Entities are strings in the domain; a number or flag is kept as its text, a nested value as its JSON. */
    private Map<String, String> entities(JsonNode node) {
        Map<String, String> entities = new LinkedHashMap<>();
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                JsonNode value = entry.getValue();
                if (value.isNull()) {
                    return;
                }
                entities.put(entry.getKey(), value.isValueNode() ? value.asText() : value.toString());
            });
        }
        return entities;
    }
}
