package chat.orchestrator.http.pancake;

import chat.orchestrator.core.domain.PageId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pages answers may go out as in public API mode, each with its page access token, and the default page for an
 * answer that names none. One {@code PANCAKE_PAGE_ID}/{@code PANCAKE_PAGE_ACCESS_TOKEN} pair is the simple case;
 * {@code PANCAKE_PAGE_ACCESS_TOKENS=page_id:token,…} adds pages. Never prints a token.
 */
public final class PageTokens {
    private final Map<PageId, String> tokens;
    private final Optional<PageId> defaultPage;

    private PageTokens(Map<PageId, String> tokens, Optional<PageId> defaultPage) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("Pancake public API mode needs a page access token"
                    + " (PANCAKE_PAGE_ACCESS_TOKEN or PANCAKE_PAGE_ACCESS_TOKENS)");
        }
        this.tokens = Map.copyOf(tokens);
        this.defaultPage = defaultPage;
    }

    /**
     * @param defaultPage      {@code PANCAKE_PAGE_ID}: answers that name no page go out as it
     * @param defaultPageToken {@code PANCAKE_PAGE_ACCESS_TOKEN}: the default page's token
     * @param more             {@code PANCAKE_PAGE_ACCESS_TOKENS}, as {@link #parse} reads it
     * @throws IllegalArgumentException naming the setting at fault: a token without its page, a default page
     *                                  without a token, no token at all, or one page given two different tokens
     */
    public static PageTokens of(Optional<String> defaultPage, Optional<String> defaultPageToken, Map<String, String> more) {
        Map<PageId, String> tokens = new LinkedHashMap<>();
        more.forEach((page, token) -> tokens.put(pageId(page, "PANCAKE_PAGE_ACCESS_TOKENS"), token));
        Optional<PageId> page = defaultPage.map(value -> pageId(value, "PANCAKE_PAGE_ID"));
        if (defaultPageToken.isPresent()) {
            PageId owner = page.orElseThrow(() -> new IllegalArgumentException(
                    "Pancake page id (PANCAKE_PAGE_ID) is required with PANCAKE_PAGE_ACCESS_TOKEN: the token is that page's"));
            String earlier = tokens.putIfAbsent(owner, defaultPageToken.get());
            if (earlier != null && !earlier.equals(defaultPageToken.get())) {
                throw new IllegalArgumentException("page " + owner + " has one token in PANCAKE_PAGE_ACCESS_TOKEN and"
                        + " another in PANCAKE_PAGE_ACCESS_TOKENS");
            }
        }
        page.filter(p -> !tokens.isEmpty() && !tokens.containsKey(p)).ifPresent(p -> {
            throw new IllegalArgumentException("Pancake page id (PANCAKE_PAGE_ID) " + p + " has no token: set"
                    + " PANCAKE_PAGE_ACCESS_TOKEN or list it in PANCAKE_PAGE_ACCESS_TOKENS");
        });
        return new PageTokens(tokens, page);
    }

    /** The simple case: the settings' one page and its token. */
    static PageTokens of(PancakeClientSettings settings) {
        return of(settings.pageId(), settings.pageAccessToken(), Map.of());
    }

    /**
     * Reads {@code page_id:token,page_id:token}: comma-separated pairs, split at the first colon, spaces around them
     * ignored, each page once.
     */
    public static Map<String, String> parse(String list) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : list.split(",", -1)) {
            String pair = item.strip();
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("PANCAKE_PAGE_ACCESS_TOKENS must be page_id:token pairs separated"
                        + " by commas; item " + (pairs.size() + 1) + " is not");
            }
            String page = pair.substring(0, colon).strip();
            String token = pair.substring(colon + 1).strip();
            if (token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("PANCAKE_PAGE_ACCESS_TOKENS: the token of page " + page
                        + " must not contain spaces or control characters");
            }
            if (pairs.put(page, token) != null) {
                throw new IllegalArgumentException("PANCAKE_PAGE_ACCESS_TOKENS names page " + page + " twice");
            }
        }
        return pairs;
    }

    /** The page an answer goes out as: its own, else the default. */
    Optional<PageId> pageFor(Optional<PageId> answersPage) {
        return answersPage.or(() -> defaultPage);
    }

    Optional<String> tokenFor(PageId page) {
        return Optional.ofNullable(tokens.get(page));
    }

    /** Every token, for the exchange to keep out of its error texts. */
    List<String> secrets() {
        return List.copyOf(tokens.values());
    }

    /** The pages, for the start-up log. */
    public List<String> pages() {
        return tokens.keySet().stream().map(PageId::value).sorted().toList();
    }

    public Optional<String> defaultPage() {
        return defaultPage.map(PageId::value);
    }

    @Override
    public String toString() {
        return "PageTokens[pages=" + pages() + ", default=" + defaultPage().orElse("(none)") + "]";
    }

    private static PageId pageId(String value, String setting) {
        Objects.requireNonNull(value, setting);
        try {
            return new PageId(value.strip());
        } catch (RuntimeException invalid) {
            throw new IllegalArgumentException(setting + ": page id '" + value + "' " + invalid.getMessage(), invalid);
        }
    }
}
