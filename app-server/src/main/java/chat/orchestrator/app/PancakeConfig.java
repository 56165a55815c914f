package chat.orchestrator.app;

import chat.orchestrator.http.pancake.PageTokens;
import chat.orchestrator.http.pancake.PancakeClientSettings;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where answers go, configured by {@code PANCAKE_BASE_URL}: the mode and how to reach Pancake. Without the URL
 * actions are only logged.
 */
public record PancakeConfig(Mode mode, PancakeClientSettings client, Optional<PageTokens> pages) {

    /** {@code PANCAKE_MODE}. */
    public enum Mode {
        /** One POST per delivery to {@code {PANCAKE_BASE_URL}{PANCAKE_CALLBACK_PATH}}. */
        CALLBACK,
        /** Pancake's public API: one {@code reply_inbox} per action, as the conversation's page (or the configured one). */
        PUBLIC_API;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PancakeConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(pages, "pages");
        if (mode == Mode.PUBLIC_API && pages.isEmpty()) {
            throw new IllegalArgumentException("public API mode needs its pages and their tokens");
        }
    }

    /**
     * @param accessToken {@code PANCAKE_ACCESS_TOKEN} as configured (never a generated one, which Pancake cannot
     *                    know): callback mode sends it back as its bearer token
     */
    static Optional<PancakeConfig> read(Environment env, Optional<String> accessToken) {
        env.requireWith("PANCAKE_BASE_URL", "without it actions are only logged",
                "PANCAKE_MODE", "PANCAKE_CALLBACK_PATH", "PANCAKE_PAGE_ID", "PANCAKE_PAGE_ACCESS_TOKEN",
                "PANCAKE_PAGE_ACCESS_TOKENS");
        Optional<URI> url = env.url("PANCAKE_BASE_URL");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        Mode mode = Mode.valueOf(env.choice("PANCAKE_MODE", "callback", List.of("callback", "public_api"))
                .toUpperCase(Locale.ROOT));
        Optional<String> pageId = env.optional("PANCAKE_PAGE_ID");
        Optional<String> pageAccessToken = env.optional("PANCAKE_PAGE_ACCESS_TOKEN");
        Optional<String> morePages = env.optional("PANCAKE_PAGE_ACCESS_TOKENS");
        Optional<PageTokens> pages = Optional.empty();
        if (mode == Mode.PUBLIC_API) {
            // Each answer goes out as its conversation's page (the webhook's page_id), else as PANCAKE_PAGE_ID; a
            // page with no token here is refused at delivery, never answered as another page.
            if (pageAccessToken.isEmpty() && morePages.isEmpty()) {
                throw new ConfigurationException("PANCAKE_PAGE_ACCESS_TOKEN (with PANCAKE_PAGE_ID) or"
                        + " PANCAKE_PAGE_ACCESS_TOKENS is required when PANCAKE_MODE is public_api");
            }
            pages = Optional.of(Environment.validatedByAdapter(() -> PageTokens.of(pageId, pageAccessToken,
                    morePages.map(PageTokens::parse).orElse(Map.of()))));
        }
        PancakeClientSettings client = Environment.validatedByAdapter(() -> new PancakeClientSettings(url.get(),
                env.string("PANCAKE_CALLBACK_PATH", PancakeClientSettings.DEFAULT_CALLBACK_PATH), accessToken,
                pageId, pageAccessToken,
                env.seconds("PANCAKE_TIMEOUT", PancakeClientSettings.DEFAULT_TIMEOUT, 1, 120),
                PancakeClientSettings.DEFAULT_MAX_ATTEMPTS, PancakeClientSettings.DEFAULT_INITIAL_BACKOFF,
                PancakeClientSettings.DEFAULT_MAX_BACKOFF));
        return Optional.of(new PancakeConfig(mode, client, pages));
    }
}
