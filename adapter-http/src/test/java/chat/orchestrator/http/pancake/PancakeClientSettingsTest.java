package chat.orchestrator.http.pancake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PancakeClientSettingsTest {
    static final URI BASE = URI.create("https://pancake.example.com/");

    @Test
    void theDefaults_postCallbacksToApiV1Actions_withFourAttempts() {
        PancakeClientSettings settings = PancakeClientSettings.defaults(BASE);

        assertEquals("/api/v1/actions", settings.callbackPath());
        assertEquals(2, settings.maxAttempts());
        assertEquals(URI.create("https://pancake.example.com"), settings.baseUrl(), "trailing slash removed");
    }

    @Test
    void aCallbackPathWithoutALeadingSlash_isRefusedNamingTheVariable() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings("api/v1/actions", Optional.empty(), Optional.empty()));

        assertEquals("Pancake callback path (PANCAKE_CALLBACK_PATH) must start with / and have no spaces, query or"
                + " fragment, got api/v1/actions", refused.getMessage());
    }

    @Test
    void aBaseUrlWithoutScheme_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PancakeClientSettings.defaults(URI.create("pancake.example.com")));

        assertEquals("Pancake base URL (PANCAKE_BASE_URL) must be an absolute http or https URL, got pancake.example.com",
                refused.getMessage());
    }

    @Test
    void aTokenWithASpace_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings("/x", Optional.empty(), Optional.of("abc def")));

        assertEquals("Pancake page access token (PANCAKE_PAGE_ACCESS_TOKEN) must not contain spaces or control characters",
                refused.getMessage());
    }

    @Test
    void thePublicApiClient_requiresAPageAccessToken() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new PancakePublicApiClient(settings("/x", Optional.of("105230123456789"), Optional.empty())));

        assertEquals("Pancake public API mode needs a page access token"
                + " (PANCAKE_PAGE_ACCESS_TOKEN or PANCAKE_PAGE_ACCESS_TOKENS)", refused.getMessage());
    }

    @Test
    void aPageAccessTokenWithoutItsPage_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new PancakePublicApiClient(settings("/x", Optional.empty(), Optional.of("token"))));

        assertEquals("Pancake page id (PANCAKE_PAGE_ID) is required with PANCAKE_PAGE_ACCESS_TOKEN: the token is"
                + " that page's", refused.getMessage());
    }

    @Test
    void theSettingsText_neverShowsATokens() {
        String text = new PancakeClientSettings(BASE, "/x", Optional.of("bearer-secret"), Optional.of("p"),
                Optional.of("page-secret"), Duration.ofSeconds(1), 2, Duration.ofMillis(5), Duration.ofMillis(5))
                .toString();

        assertFalse(text.contains("bearer-secret") || text.contains("page-secret"), text);
        assertTrue(text.contains("pageAccessToken=(set)"), text);
    }

    private static PancakeClientSettings settings(String path, Optional<String> pageId, Optional<String> pageToken) {
        return new PancakeClientSettings(BASE, path, Optional.empty(), pageId, pageToken, Duration.ofSeconds(1), 2,
                Duration.ofMillis(5), Duration.ofMillis(5));
    }
}
