package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Values JSON can spell but nothing downstream can hold: numbers that overflow to infinity ({@code 1e400}) and
 * strings with unpaired surrogates ({@code "a\ud800b"}, which UTF-8 encodes as {@code ?}, so two different ids would
 * become one). Checked once over the whole parsed body, so no endpoint can forget it.
 */
final class JsonValues {
    private JsonValues() {
    }

    /** Throws an {@link InvalidInputException} naming the first offending field (a dotted path). */
    static void requireRepresentable(JsonNode body) {
        check(body, "");
    }

    private static void check(JsonNode node, String path) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (!wellFormed(field.getKey())) {
                    throw new InvalidInputException(path.isEmpty() ? "(field name)" : path,
                            "has a field name with an unpaired surrogate (not valid Unicode)");
                }
                check(field.getValue(), child);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isTextual() && !wellFormed(node.textValue())) {
            throw new InvalidInputException(path, "contains an unpaired surrogate (not valid Unicode)");
        } else if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            throw new InvalidInputException(path, "must be a finite number");
        }
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
