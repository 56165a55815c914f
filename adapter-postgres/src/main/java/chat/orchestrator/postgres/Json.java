package chat.orchestrator.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.jooq.JSONB;

/** Maps the JSONB columns (metadata, entities, action payloads, bot settings) to and from Java maps. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };

    private Json() {
    }

    static JSONB of(Map<String, ?> value) {
        try {
            return JSONB.valueOf(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            // Maps of strings, lists and maps always serialise; reaching this is a defect.
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, String> stringMap(JSONB json) {
        return read(json, STRING_MAP);
    }

    static Map<String, Object> objectMap(JSONB json) {
        return read(json, OBJECT_MAP);
    }

    private static <T> T read(JSONB json, TypeReference<T> type) {
        try {
            return MAPPER.readValue(json.data(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not have the expected shape: " + e.getOriginalMessage(),
                    e);
        }
    }
}
