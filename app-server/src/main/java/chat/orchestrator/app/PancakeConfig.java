package chat.orchestrator.app;

import chat.orchestrator.http.pancake.PancakeClientSettings;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where answers go, configured by {@code PANCAKE_BASE_URL}: the mode and how to reach Pancake. Without the URL
 * actions are only logged.
 */
public record PancakeConfig(Mode mode, PancakeClientSettings client) {

    /** {@code PANCAKE_MODE}. */
    public enum Mode {
        /** One POST per delivery to {@code {PANCAKE_BASE_URL}{PANCAKE_CALLBACK_PATH}}. */
        CALLBACK,
        /** Pancake's public API: one {@code reply_inbox} per action, as the configured page. */
        PUBLIC_API;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PancakeConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(client, "client");
    }

    /**
     * @param accessToken {@code PANCAKE_ACCESS_TOKEN} as configured (never a generated one, which Pancake cannot
     *                    know): callback mode sends it back as its bearer token
     */
    static Optional<PancakeConfig> read(Environment env, Optional<String> accessToken) {
        env.requireWith("PANCAKE_BASE_URL", "without it actions are only logged",
                "PANCAKE_MODE", "PANCAKE_CALLBACK_PATH", "PANCAKE_PAGE_ID", "PANCAKE_PAGE_ACCESS_TOKEN");
        Optional<URI> url = env.url("PANCAKE_BASE_URL");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        Mode mode = Mode.valueOf(env.choice("PANCAKE_MODE", "callback", List.of("callback", "public_api"))
                .toUpperCase(Locale.ROOT));
        Optional<String> pageId = env.optional("PANCAKE_PAGE_ID");
        Optional<String> pageAccessToken = env.optional("PANCAKE_PAGE_ACCESS_TOKEN");
        if (mode == Mode.PUBLIC_API) {
            // Until webhooks tell the page of each conversation, every answer goes out as the configured page.
            require(pageId, "PANCAKE_PAGE_ID");
            require(pageAccessToken, "PANCAKE_PAGE_ACCESS_TOKEN");
        }
        PancakeClientSettings client = Environment.validatedByAdapter(() -> new PancakeClientSettings(url.get(),
                env.string("PANCAKE_CALLBACK_PATH", PancakeClientSettings.DEFAULT_CALLBACK_PATH), accessToken,
                pageId, pageAccessToken,
                env.seconds("PANCAKE_TIMEOUT", PancakeClientSettings.DEFAULT_TIMEOUT, 1, 120),
                PancakeClientSettings.DEFAULT_MAX_ATTEMPTS, PancakeClientSettings.DEFAULT_INITIAL_BACKOFF,
                PancakeClientSettings.DEFAULT_MAX_BACKOFF));
        return Optional.of(new PancakeConfig(mode, client));
    }

    private static void require(Optional<String> value, String name) {
        if (value.isEmpty()) {
            throw new ConfigurationException(name + " is required when PANCAKE_MODE is public_api");
        }
    }
}
