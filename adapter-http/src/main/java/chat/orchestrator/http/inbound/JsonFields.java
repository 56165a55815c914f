package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Typed reads of one JSON object's fields, failing with the field's name when a value has the wrong type. */
final class JsonFields {
    private final JsonNode object;

    JsonFields(JsonNode object) {
        this.object = object;
    }

    String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> new InvalidInputException(field, "is required"));
    }

    /** A string that names something (see {@link WireIds}). */
    String requiredId(String field) {
        return WireIds.require(field, requiredString(field));
    }

    Optional<String> optionalId(String field) {
        return optionalString(field).map(value -> WireIds.require(field, value));
    }

    Optional<String> optionalString(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidInputException(field, "must be a string");
        }
        return Optional.of(value.textValue());
    }

    /** Seconds since the epoch as a number (fractions kept to the microsecond), or an ISO-8601 instant. */
    Instant requiredTimestamp(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInputException(field, "is required");
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(4_102_444_800L)) >= 0) {
                throw new InvalidInputException(field, "must be seconds since the epoch before the year 2100");
            }
            long micros = seconds.movePointRight(6).longValue();
            return Instant.EPOCH.plusNanos(micros * 1_000);
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException notIso) {
                throw new InvalidInputException(field, "must be seconds since the epoch or an ISO-8601 instant");
            }
        }
        throw new InvalidInputException(field, "must be a number of seconds since the epoch");
    }

    /** A flat object of metadata; nested values are kept as their JSON text. */
    Map<String, String> optionalStringMap(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidInputException(field, "must be an object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        value.properties().forEach(entry -> result.put(entry.getKey(),
                entry.getValue().isValueNode() ? entry.getValue().asText() : entry.getValue().toString()));
        return result;
    }
}
