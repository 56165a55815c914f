package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server as a deployment runs it: Redis, PostgreSQL, an OpenAI-compatible AI and Pancake callbacks, all real. */
class RealStoresServerTest {
    private static RealStores stores;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        stores = new RealStores();
    }

    @AfterAll
    static void stop() throws Exception {
        stores.close();
    }

    @Test
    void theApiExampleIsAnsweredEndToEnd_andAdminStatsShowRedisAndPostgresFigures() throws Exception {
        String database = stores.createDatabase("end_to_end");
        AppConfig config = AppConfig.fromEnvironment(stores.environment(database, 0));
        try (Application application = Application.start(config, Tokens.from(config))) {
            String base = "http://127.0.0.1:" + application.port();

            JsonNode answer = call(HttpRequest.newBuilder(URI.create(base + "/api/v1/enhanced-handle-message"))
                    .header("Authorization", "Bearer message-token").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            Fixtures.text("sync-request.json"))));

            JsonNode result = answer.get("result");
            assertEquals("completed", result.get("status").asText(), answer.toString());
            assertEquals("Redis", result.get("storage_backend").asText());
            assertTrue(result.get("distributed_lock_used").asBoolean());
            assertEquals("book_appointment", result.get("ai_response").get("intent").asText());
            assertEquals("qwen2.5-7b-instruct", result.get("ai_response").get("model_used").asText());
            assertEquals("success", result.get("pancake_result").get("status").asText());
            assertEquals(1, stores.callbacks.stream().filter(c -> c.body().contains("conv_12345")).count());

            JsonNode stats = call(HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/stats"))
                    .header("Authorization", "Bearer admin-token").GET());
            assertEquals("Redis", stats.get("storage_backend").asText());
            assertTrue(stats.get("redis_stats").get("connected_clients").asInt() >= 1, stats.toString());
            assertFalse(stats.get("redis_stats").get("used_memory_human").asText().isEmpty());
            assertTrue(stats.get("redis_stats").has("keyspace_hits"));
            assertTrue(stats.get("postgres_stats").get("total").asInt() >= 1, stats.toString());
            assertEquals(1, stats.get("conversations").get("total").asInt());

            JsonNode anonymous = call(HttpRequest.newBuilder(URI.create(base + "/api/v1/status/handler")).GET());
            assertFalse(anonymous.has("adapters"), "hosts are for the admin only: " + anonymous);
            JsonNode status = call(HttpRequest.newBuilder(URI.create(base + "/api/v1/status/handler"))
                    .header("Authorization", "Bearer admin-token").GET());
            assertTrue(status.get("components").get("redis_connected").asBoolean());
            assertEquals("redis", status.get("components").get("lock_manager").asText());
            assertTrue(status.get("adapters").get("history").asText().startsWith("postgresql"));
            assertTrue(status.get("adapters").get("ai").asText().startsWith("openai-compatible"));

            try (Connection connection = stores.connect(database);
                 ResultSet runs = connection.createStatement().executeQuery("SELECT count(*) FROM ai_runs")) {
                runs.next();
                assertEquals(1, runs.getInt(1), "the answer is in PostgreSQL");
            }
        }
    }

    private JsonNode call(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }
}
