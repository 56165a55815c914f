package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server's log lines as an operator's pipeline reads them: with LOG_FORMAT=json every line is one JSON object
 * with time, level, logger, message and the ids of the work; never the customer's text or a token at INFO. Standard
 * error is captured while the server runs, as a container runtime would.
 */
class StructuredLogsTest {
    private static final String CUSTOMER_TEXT = "Secret customer words 7f3a9";
    private static final String MESSAGE_TOKEN = "message-token-5b1e";
    private static final String ADMIN_TOKEN = "admin-token-c0d4";
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void jsonLines_parse_carryTheRequestConversationMessageAndRunIds_andNeverTheTextOrATokenAtInfo() throws Exception {
        List<String> lines = logsOf("json", "req-json-1");

        List<JsonNode> records = new ArrayList<>();
        for (String line : lines) {
            try {
                records.add(json.readTree(line));
            } catch (IOException notJson) {
                fail("not one JSON object: " + line);
            }
        }
        for (JsonNode record : records) {
            for (String field : List.of("time", "level", "logger", "message")) {
                assertTrue(record.hasNonNull(field), field + " missing in " + record);
            }
        }
        JsonNode handled = only(records, "chat.orchestrator.core.usecase.HandleMessage");
        assertEquals("INFO", handled.get("level").asText());
        assertEquals("req-json-1", handled.get("request_id").asText());
        assertEquals("conv_logs", handled.get("conversation_id").asText());
        assertEquals("m1", handled.get("message_id").asText());
        assertTrue(handled.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*"), handled.toString());
        JsonNode answered = only(records, "chat.orchestrator.core.usecase.ConversationWorker");
        assertEquals("req-json-1", answered.get("request_id").asText(), "the worker's thread carries the request");
        assertTrue(answered.get("run_id").asText().matches("[0-9a-f-]{36}"), answered.toString());
        assertTrue(answered.get("message").asText().contains(answered.get("run_id").asText()));
        assertTrue(records.stream().anyMatch(r -> r.get("logger").asText().equals("jul.bridge.check")
                && r.get("message").asText().equals("java.util.logging reaches the same log")));
        assertNothingSecret(lines);
    }

    @Test
    void textLines_carryTheIdsQuotedAfterTheMessage() throws Exception {
        List<String> lines = logsOf("text", "req-text-1");

        String handled = lines.stream().filter(l -> l.contains("core.usecase.HandleMessage")).findFirst().orElseThrow();
        assertTrue(handled.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z INFO .*"), handled);
        assertTrue(handled.endsWith("request_id=\"req-text-1\" conversation_id=\"conv_logs\" message_id=\"m1\""), handled);
        assertNothingSecret(lines);
    }

    private static void assertNothingSecret(List<String> lines) {
        for (String line : lines) {
            assertFalse(line.contains(CUSTOMER_TEXT), "the customer's text at INFO: " + line);
            assertFalse(line.contains(MESSAGE_TOKEN) || line.contains(ADMIN_TOKEN), "a token at INFO: " + line);
        }
    }

    private static JsonNode only(List<JsonNode> records, String logger) {
        List<JsonNode> found = records.stream().filter(r -> r.get("logger").asText().equals(logger)).toList();
        assertEquals(1, found.size(), logger + ": " + found);
        return found.getFirst();
    }

    /** Runs the embedded server at INFO in {@code format}, answers one message, and returns what it logged. */
    private List<String> logsOf(String format, String requestId) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LogSetup.configure("INFO", format);
            AppConfig config = AppConfig.fromEnvironment(Map.of("API_HOST", "127.0.0.1", "API_PORT", "0",
                    "CONSOLIDATION_WINDOW_MS", "0", "PANCAKE_ACCESS_TOKEN", MESSAGE_TOKEN,
                    "ADMIN_ACCESS_TOKEN", ADMIN_TOKEN, "LOG_FORMAT", format));
            try (Application application = Application.start(config, Tokens.from(config))) {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + application.port() + "/api/v1/enhanced-handle-message"))
                        .header("Authorization", "Bearer " + MESSAGE_TOKEN).header("Content-Type", "application/json")
                        .header("X-Request-Id", requestId)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"conversation_id\":\"conv_logs\",\"message_id\":"
                                + "\"m1\",\"message_content\":\"" + CUSTOMER_TEXT + "\",\"sender_id\":\"u1\","
                                + "\"sender_type\":\"user\",\"timestamp\":1699123456.789}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals(requestId, response.headers().firstValue("X-Request-Id").orElseThrow());
                java.util.logging.Logger.getLogger("jul.bridge.check").info("java.util.logging reaches the same log");
                awaitLine(captured, "answered=1");
            }
        } finally {
            System.setErr(original);
            LogSetup.configure("INFO", "text");
        }
        return captured.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }

    private static void awaitLine(ByteArrayOutputStream captured, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (captured.toString(StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(10);
        }
        fail("no log line with " + text);
    }
}
