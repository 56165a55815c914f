package chat.orchestrator.http.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AiClientSettingsTest {
    static final URI URL = URI.create("http://ai.internal:8000/v1");

    @Test
    void theDefaults_areThirtySecondsAndThreeAttempts_andTheEndpointIsAppendedToTheUrl() {
        AiClientSettings settings = AiClientSettings.defaults(URI.create("https://api.example.com/v1/"));

        assertEquals(Duration.ofSeconds(30), settings.timeout());
        assertEquals(3, settings.maxAttempts());
        assertEquals(URI.create("https://api.example.com/v1/chat/completions"), settings.endpoint("/chat/completions"));
    }

    @Test
    void aUrlThatIsNotAbsoluteHttp_isRefusedNamingTheVariable() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AiClientSettings.defaults(URI.create("ai.internal:8000/v1")));

        assertEquals("AI service URL (AI_SERVICE_URL) must be an absolute http or https URL, got ai.internal:8000/v1",
                refused.getMessage());
    }

    @Test
    void aTimeoutOfZero_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings(Optional.of("k"), Duration.ZERO, 3, Duration.ofMillis(10), Duration.ofMillis(10)));

        assertTrue(refused.getMessage().startsWith("AI timeout (AI_SERVICE_TIMEOUT) must be more than 0"),
                refused.getMessage());
    }

    @Test
    void attemptsOutsideOneToTen_areRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings(Optional.empty(), Duration.ofSeconds(1), 0, Duration.ofMillis(10), Duration.ofMillis(10)));

        assertEquals("AI max attempts must be between 1 and 10, got 0", refused.getMessage());
    }

    @Test
    void aMaxBackoffShorterThanTheInitialOne_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings(Optional.empty(), Duration.ofSeconds(1), 3, Duration.ofSeconds(2), Duration.ofSeconds(1)));

        assertEquals("AI max backoff (PT1S) must not be shorter than the initial backoff (PT2S)", refused.getMessage());
    }

    @Test
    void aBlankApiKey_isRefusedRatherThanSentAsAnEmptyBearer() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings(Optional.of("  "), Duration.ofSeconds(1), 3, Duration.ofMillis(10), Duration.ofMillis(10)));

        assertEquals("AI API key (AI_API_KEY) must not be blank when set", refused.getMessage());
    }

    @Test
    void theSettingsText_neverShowsTheApiKey() {
        String text = settings(Optional.of("sk-secret-123"), Duration.ofSeconds(1), 3, Duration.ofMillis(10),
                Duration.ofMillis(10)).toString();

        assertFalse(text.contains("sk-secret-123"), text);
        assertTrue(text.contains("apiKey=(set)"), text);
    }

    private static AiClientSettings settings(Optional<String> key, Duration timeout, int attempts, Duration initial,
                                             Duration max) {
        return new AiClientSettings(URL, Optional.of("m"), key, 0.2, timeout, attempts, initial, max);
    }
}
