package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server as the README starts it, on its embedded default, answering docs/api.md's example end to end. */
class EmbeddedDefaultServerTest {

    @Test
    void theApiExampleIsAnsweredInVietnamese() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(Map.of("API_HOST", "127.0.0.1", "API_PORT", "0",
                "CONSOLIDATION_WINDOW_MS", "0", "SHUTDOWN_DRAIN_SECONDS", "0"));
        Tokens tokens = Tokens.from(config);
        try (Application application = Application.start(config, tokens)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + application.port() + "/api/v1/enhanced-handle-message"))
                            .header("Authorization", "Bearer " + tokens.pancake())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Fixtures.text("sync-request.json")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode(), response.body());
            JsonNode result = new ObjectMapper().readTree(response.body()).get("result");
            assertEquals("completed", result.get("status").asText());
            assertEquals("vi", result.get("ai_response").get("entities").get("language").asText());
            assertTrue(result.get("ai_response").get("response_text").asText().contains("đặt lịch"));
        }
    }
}
