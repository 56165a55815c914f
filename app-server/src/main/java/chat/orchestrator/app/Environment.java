package chat.orchestrator.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Typed reads of environment variables, each failing with the variable's name and what it expects. */
final class Environment {
    private final Map<String, String> variables;

    Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** Every variable, for the adapters that read their own (they treat blank values as unset too). */
    Map<String, String> variables() {
        return variables;
    }

    Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    boolean isSet(String name) {
        return optional(name).isPresent();
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

    /** One of a few lower-case words; the value is compared ignoring case. */
    String choice(String name, String fallback, List<String> allowed) {
        String value = string(name, fallback).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new ConfigurationException(name + " must be one of " + String.join(", ", allowed) + ", got '"
                    + optional(name).orElse("") + "'");
        }
        return value;
    }

    /** Syntax only; what a URL must look like (http or https, a host) is the adapter's settings' to say. */
    Optional<URI> url(String name) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(value.get()));
        } catch (URISyntaxException e) {
            throw new ConfigurationException(name + " is not a valid URL: " + e.getReason());
        }
    }

    /**
     * Refuses settings that only mean something with {@code main} when {@code main} is missing: the operator meant
     * to use that service, and silently falling back to the embedded default would hide the mistake.
     */
    void requireWith(String main, String fallbackNote, String... dependents) {
        if (isSet(main)) {
            return;
        }
        for (String dependent : dependents) {
            if (isSet(dependent)) {
                throw new ConfigurationException(dependent + " is set but " + main + " is not: set " + main
                        + ", or unset " + dependent + " (" + fallbackNote + ")");
            }
        }
    }

    /**
     * Settings an adapter validates itself: its {@link IllegalArgumentException}, whose message names the variable,
     * becomes a configuration error like any other.
     */
    static <T> T validatedByAdapter(Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException refused) {
            throw new ConfigurationException(refused.getMessage(), refused);
        }
    }
}
