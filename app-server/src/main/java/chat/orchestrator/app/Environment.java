package chat.orchestrator.app;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Typed reads of environment variables, each failing with the variable's name and what it expects. */
final class Environment {
    private final Map<String, String> variables;

    Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new ConfigurationException(name + " must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException notANumber) {
            throw new ConfigurationException(name + " must be a whole number, got '" + value.get() + "'");
        }
    }

    Duration seconds(String name, Duration fallback, int min, int max) {
        return Duration.ofSeconds(integer(name, (int) fallback.toSeconds(), min, max));
    }

    Duration millis(String name, Duration fallback, int min, int max) {
        return Duration.ofMillis(integer(name, (int) fallback.toMillis(), min, max));
    }

    boolean bool(String name, boolean fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigurationException(name + " must be true or false, got '" + value.get() + "'");
        };
    }
}
