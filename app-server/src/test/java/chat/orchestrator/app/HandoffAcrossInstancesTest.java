package chat.orchestrator.app;

import static org.awaitility.Awaitility.await;
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
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A hand-off made on one instance holds on another, and after Redis restarts empty: PostgreSQL holds it. Two real
 * server instances on one real Redis and one real PostgreSQL.
 */
class HandoffAcrossInstancesTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aHandoffMadeOnOneInstanceHoldsOnTheOther_andSurvivesRedisRestartingEmpty() throws Exception {
        try (RealStores stores = new RealStores()) {
            String database = stores.createDatabase("handoff");
            AppConfig config = AppConfig.fromEnvironment(stores.environment(database, 0));
            try (Application first = Application.start(config, Tokens.from(config));
                 Application second = Application.start(config, Tokens.from(config))) {
                String one = "http://127.0.0.1:" + first.port();
                String two = "http://127.0.0.1:" + second.port();
                assertEquals("completed", status(send(one, "msg_1")));
                assertEquals(200, admin(one, "handoff", "{\"reason\": \"khách VIP\"}").statusCode());

                assertEquals("handed_off", status(send(two, "msg_2")), "the other instance knows");
                assertTrue(get(one + "/metrics").body().contains("orchestrator_handoffs_total{by=\"admin\"} 1.0"),
                    "counted where it was made");

                stores.redis.stop();
                stores.redis.start();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    HttpResponse<String> listing = get(two + "/api/v1/admin/conversations");
                    return listing.statusCode() == 200
                            && json.readTree(listing.body()).get("total_conversations").asInt() == 0;
                });

                assertEquals("handed_off", status(sendUntilRedisIsBack(one, "msg_3")), "PostgreSQL still knows");
                JsonNode listed = json.readTree(get(two + "/api/v1/admin/conversations").body())
                        .get("conversations").get(0);
                assertEquals("khách VIP", listed.get("handoff").get("reason").asText(), listed.toString());

                assertEquals(200, admin(two, "resume", "").statusCode());
                assertEquals("completed", status(send(one, "msg_4")));
                assertFalse(json.readTree(get(one + "/api/v1/admin/conversations").body()).get("conversations").get(0)
                        .get("handoff").isObject());
            }
            assertEquals(2, stores.callbacks.stream().filter(c -> c.body().contains("conv_12345")).count(),
                    "only msg_1 and msg_4 were answered");
            try (Connection connection = stores.connect(database);
                 ResultSet runs = connection.createStatement().executeQuery(
                         "SELECT count(*) FROM ai_runs WHERE outcome = 'handed_off'")) {
                runs.next();
                assertEquals(2, runs.getInt(1), "msg_2 and msg_3, consumed by people");
            }
    
        }
    }

    /** A pooled connection may still be broken after the restart: the server answers 503 once, then serves. */
    private JsonNode sendUntilRedisIsBack(String base, String messageId) {
        AtomicReference<JsonNode> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> response = post(base + "/api/v1/enhanced-handle-message", message(messageId),
                    "message-token");
            if (response.statusCode() == 503) {
                return false;
            }
            assertEquals(200, response.statusCode(), response.body());
            answer.set(json.readTree(response.body()));
            return true;
        });
        return answer.get();
    }

    private JsonNode send(String base, String messageId) throws Exception {
        HttpResponse<String> response = post(base + "/api/v1/enhanced-handle-message", message(messageId),
                "message-token");
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    private HttpResponse<String> admin(String base, String action, String body) throws Exception {
        return post(base + "/api/v1/admin/conversations/conv_12345/" + action, body, "admin-token");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer admin-token")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String status(JsonNode answer) {
        return answer.get("result").get("status").asText();
    }

    private static String message(String id) throws Exception {
        // Later ids get later timestamps: each is the conversation's newest message.
        int n = Integer.parseInt(id.substring(id.indexOf('_') + 1));
        return Fixtures.text("sync-request.json")
                .replace("msg_67890", id).replace("1699123456.789", Integer.toString(1699123456 + n));
    }
}
