package chat.orchestrator.app;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of the server's environment: every typed read of a variable, each failing with one wording that
 * names the variable, the value and what it expects. The stores' settings are read here too ({@link RedisConfig},
 * {@link PostgresConfig}), so a whole number or a flag is refused in the same words whichever part reads it.
 * Blank values count as unset, since env files often carry {@code NAME=} lines; values are trimmed.
 */
final class Environment {
    private final Map<String, String> variables;

    Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The value exactly as given, spaces kept (they can be part of a password); only an empty value is unset. */
    Optional<String> untrimmed(String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isEmpty());
    }

    boolean isSet(String name) {
        return optional(name).isPresent();
    }

    String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        return read(name, fallback, "a whole number between " + min + " and " + max, value -> {
            int parsed = Integer.parseInt(value);
            return parsed >= min && parsed <= max ? Optional.of(parsed) : Optional.empty();
        });
    }

    Duration seconds(String name, Duration fallback, int min, int max) {
        return Duration.ofSeconds(integer(name, (int) fallback.toSeconds(), min, max));
    }

    Duration millis(String name, Duration fallback, int min, int max) {
        return Duration.ofMillis(integer(name, (int) fallback.toMillis(), min, max));
    }

    /** Seconds with a fraction ("0.5"), to the millisecond, as redis-py takes its timeouts. */
    Duration fractionalSeconds(String name, Duration fallback, Duration min, Duration max) {
        String expected = "seconds between " + inSeconds(min) + " and " + inSeconds(max) + " (e.g. 2 or 0.5)";
        return read(name, fallback, expected, value -> {
            Duration parsed = Duration.ofMillis(new BigDecimal(value).movePointRight(3).longValueExact());
            return parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0 ? Optional.of(parsed) : Optional.empty();
        });
    }

    boolean bool(String name, boolean fallback) {
        return read(name, fallback, "true or false", value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> Optional.of(true);
            case "false", "0", "no" -> Optional.of(false);
            default -> Optional.empty();
        });
    }

    /**
     * The one wording of a value that cannot be read: "{@code NAME} must be {@code expected}, got '{@code value}'",
     * whether it is no number at all or one out of range (the message names the range either way).
     *
     * @param parse empty, or a {@link NumberFormatException} or {@link ArithmeticException}, when the value is refused
     */
    private <T> T read(String name, T fallback, String expected, Function<String, Optional<T>> parse) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Optional<T> parsed;
        try {
            parsed = parse.apply(value.get());
        } catch (NumberFormatException | ArithmeticException notANumber) {
            parsed = Optional.empty();
        }
        return parsed.orElseThrow(() -> new ConfigurationException(name + " must be " + expected + ", got '"
                + value.get() + "'"));
    }

    /** One of a few words, compared ignoring case; the word as {@code allowed} spells it. */
    String choice(String name, String fallback, List<String> allowed) {
        return optional(name).map(value -> oneOf(name, value, allowed)).orElse(fallback);
    }

    /**
     * {@link #choice} for a value that is not a variable of its own, such as a URL's parameter.
     *
     * @param source what the value is, for the message: a variable's name, or "DATABASE_URL sslmode"
     */
    static String oneOf(String source, String value, List<String> allowed) {
        String wanted = value.trim();
        for (String word : allowed) {
            if (word.equalsIgnoreCase(wanted)) {
                return word;
            }
        }
        throw new ConfigurationException(source + " must be one of " + String.join(", ", allowed) + ", got '" + value
                + "'");
    }

    /** Syntax only; what a URL must look like (http or https, a host) is the adapter's settings' to say. */
    Optional<URI> url(String name) {
        return optional(name).map(value -> uri(name, value));
    }

    /** Names only the reason, never the text: a URL can carry a password. */
    static URI uri(String source, String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(source + " is not a valid URL: " + e.getReason());
        }
    }

    /** Percent-decoding for a URL's parts; unlike form decoding, a '+' stays a '+' (passwords contain them). */
    static String decoded(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A {@code host:port} of a list; an IPv6 host is written in brackets ({@code [::1]:7000}) and read without. */
    record HostPort(String host, int port) {
    }

    /** {@code host:port,host:port}, at least one; call it once {@code name} is known to be set. */
    List<HostPort> hostPorts(String name) {
        List<HostPort> entries = new ArrayList<>();
        for (String entry : optional(name).orElse("").split(",")) {
            if (!entry.isBlank()) {
                entries.add(hostPort(name, entry.trim()));
            }
        }
        if (entries.isEmpty()) {
            throw new ConfigurationException(name + " must list host:port pairs separated by commas");
        }
        return entries;
    }

    private static HostPort hostPort(String name, String entry) {
        // The last colon: an IPv6 host has colons of its own.
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            throw new ConfigurationException(name + " entries must be host:port, got '" + entry + "'");
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " entry '" + entry + "' has no numeric port");
        }
        if (port < 1 || port > 65_535) {
            throw new ConfigurationException(name + " entry '" + entry + "' has a port outside 1-65535");
        }
        return new HostPort(host, port);
    }

    /**
     * Refuses settings that only mean something with {@code main} when {@code main} is missing: the operator meant
     * to use that service, and silently falling back to the embedded default would hide the mistake.
     */
    void requireWith(String main, String fallbackNote, String... dependents) {
        requireWithAny(List.of(main), "set " + main, fallbackNote, List.of(dependents));
    }

    /**
     * {@link #requireWith} for a service any of {@code mains} turns on: the first dependent set while none of them
     * is stops the start with "{@code X} is set but none of … is: {@code remedy}, or unset {@code X} ({@code note})".
     *
     * @param note what happens without the service; empty for none
     */
    void requireWithAny(List<String> mains, String remedy, String note, List<String> dependents) {
        if (mains.stream().anyMatch(this::isSet)) {
            return;
        }
        for (String dependent : dependents) {
            if (isSet(dependent)) {
                throw new ConfigurationException(dependent + " is set but " + noneOf(mains) + ": " + remedy
                        + ", or unset " + dependent + (note.isEmpty() ? "" : " (" + note + ")"));
            }
        }
    }

    private static String noneOf(List<String> names) {
        return switch (names.size()) {
            case 1 -> names.getFirst() + " is not";
            case 2 -> "neither " + names.get(0) + " nor " + names.get(1) + " is";
            default -> "none of " + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast()
                    + " is";
        };
    }

    /**
     * Settings an adapter validates itself: its {@link IllegalArgumentException}, whose message names the variable,
     * becomes a configuration error like any other.
     */
    static <T> T validatedByAdapter(Supplier<T> read) {
        return validatedBy(read, Map.of());
    }

    /**
     * Settings whose rules are their own (the core's, say) and whose messages use the names of their components: the
     * rule is stated once, where the setting lives, and the operator reads it in the words they configured.
     *
     * @param variableFor each component's name as the settings' messages use it, and the variable with the value
     *                    read, as the message should say it instead ({@code "lockTtl"} to
     *                    {@code "PROCESSING_LOCK_TTL (30 s)"})
     */
    static <T> T validatedBy(Supplier<T> read, Map<String, String> variableFor) {
        try {
            return read.get();
        } catch (IllegalArgumentException refused) {
            String message = refused.getMessage();
            for (Map.Entry<String, String> name : variableFor.entrySet()) {
                message = message.replaceAll("\\b" + Pattern.quote(name.getKey()) + "\\b",
                        Matcher.quoteReplacement(name.getValue()));
            }
            throw new ConfigurationException(message, refused);
        }
    }

    private static String inSeconds(Duration value) {
        return BigDecimal.valueOf(value.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
