package chat.orchestrator.core.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads an action's loosely typed payload, failing with the field's path when a value has the wrong shape. */
final class ActionData {
    private final ActionType type;
    private final Map<String, ?> data;

    ActionData(ActionType type, Map<String, ?> data) {
        this.type = type;
        this.data = data;
    }

    String text(String key) {
        return requireText(optionalText(key), path(key));
    }

    String optionalText(String key) {
        Object value = data.get(key);
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new InvalidInputException(path(key), "must be a string");
    }

    List<String> strings(String key) {
        List<String> result = new ArrayList<>();
        for (Object item : list(key)) {
            if (!(item instanceof String s)) {
                throw new InvalidInputException(path(key), "must be a list of strings");
            }
            result.add(s);
        }
        return result;
    }

    List<Map<String, ?>> maps(String key) {
        List<Map<String, ?>> result = new ArrayList<>();
        for (Object item : list(key)) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new InvalidInputException(path(key), "must be a list of objects");
            }
            result.add(stringKeys(m, key));
        }
        return result;
    }

    Map<String, String> stringMap(String key) {
        Object value = data.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new InvalidInputException(path(key), "must be an object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : v.toString()));
        return result;
    }

    private List<?> list(String key) {
        Object value = data.get(key);
        if (!(value instanceof List<?> list)) {
            throw new InvalidInputException(path(key), "must be a list");
        }
        return list;
    }

    private Map<String, ?> stringKeys(Map<?, ?> map, String key) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    private String path(String key) {
        return type.wireName() + "." + key;
    }

    static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, "must not be blank");
        }
        if (value.length() > Action.MAX_TEXT) {
            throw new InvalidInputException(field, "must be at most " + Action.MAX_TEXT + " characters");
        }
        return value;
    }

    static <T> List<T> requireItems(List<T> items, int min, int max, String field) {
        if (items == null || items.size() < min || items.size() > max) {
            throw new InvalidInputException(field, "must have between " + min + " and " + max + " items");
        }
        return List.copyOf(items);
    }
}
