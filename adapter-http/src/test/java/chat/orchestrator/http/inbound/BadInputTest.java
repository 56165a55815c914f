package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a clear 4xx naming what is wrong, and nothing is stored. */
class BadInputTest {
    private static final String PATH = "/api/v1/enhanced-handle-message";
    private static final String VALID = "{\"conversation_id\":\"conv_1\",\"message_id\":\"msg_1\","
            + "\"message_content\":\"Xin chào\",\"sender_id\":\"user_1\",\"sender_type\":\"user\","
            + "\"timestamp\":1699123456.789,\"metadata\":{\"platform\":\"web\"}}";
    private static RunningApi api;

    @BeforeAll
    static void start() {
        api = new RunningApi(new RuleBasedResponder());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("broken JSON", "{\"conversation_id\": \"c\",", 400, "invalid_json", null),
                Arguments.of("trailing garbage", VALID + "}", 400, "invalid_json", null),
                Arguments.of("an array, not an object", "[" + VALID + "]", 400, "not_an_object", null),
                Arguments.of("a bare string", "\"hello\"", 400, "not_an_object", null),
                Arguments.of("an empty body", "", 400, "empty_body", null),
                Arguments.of("a duplicated key", VALID.replace("{\"conversation_id\"", "{\"message_id\":\"x\",\"conversation_id\""), 400, "invalid_json", null),
                Arguments.of("nesting deeper than allowed", VALID.replace("{\"platform\":\"web\"}", "[".repeat(40) + "]".repeat(40)), 400, "too_deep", null),
                Arguments.of("conversation_id missing", VALID.replace("\"conversation_id\":\"conv_1\",", ""), 422, "invalid_field", "conversation_id"),
                Arguments.of("conversation_id a number", VALID.replace("\"conv_1\"", "12345"), 422, "invalid_field", "conversation_id"),
                Arguments.of("conversation_id empty", VALID.replace("\"conv_1\"", "\"\""), 422, "invalid_field", "conversation_id"),
                Arguments.of("conversation_id too long", VALID.replace("conv_1", "c".repeat(300)), 422, "invalid_field", "conversation_id"),
                Arguments.of("message_id missing", VALID.replace("\"message_id\":\"msg_1\",", ""), 422, "invalid_field", "message_id"),
                Arguments.of("message_id blank", VALID.replace("\"msg_1\"", "\"   \""), 422, "invalid_field", "message_id"),
                Arguments.of("message_id with a control character", VALID.replace("msg_1", "msg\\u0000_1"), 422, "invalid_field", "message_id"),
                Arguments.of("message_id an object", VALID.replace("\"msg_1\"", "{\"id\":1}"), 422, "invalid_field", "message_id"),
                Arguments.of("message_content missing", VALID.replace("\"message_content\":\"Xin chào\",", ""), 422, "invalid_field", "message_content"),
                Arguments.of("message_content blank", VALID.replace("\"Xin chào\"", "\" \""), 422, "invalid_field", "message_content"),
                Arguments.of("message_content a list", VALID.replace("\"Xin chào\"", "[\"Xin chào\"]"), 422, "invalid_field", "message_content"),
                Arguments.of("sender_id missing", VALID.replace("\"sender_id\":\"user_1\",", ""), 422, "invalid_field", "sender_id"),
                Arguments.of("sender_type unknown", VALID.replace("\"user\"", "\"robot\""), 422, "invalid_field", "sender_type"),
                Arguments.of("timestamp missing", VALID.replace("\"timestamp\":1699123456.789,", ""), 422, "invalid_field", "timestamp"),
                Arguments.of("timestamp negative", VALID.replace("1699123456.789", "-5"), 422, "invalid_field", "timestamp"),
                Arguments.of("timestamp a word", VALID.replace("1699123456.789", "\"yesterday\""), 422, "invalid_field", "timestamp"),
                Arguments.of("timestamp a boolean", VALID.replace("1699123456.789", "true"), 422, "invalid_field", "timestamp"),
                Arguments.of("timestamp far in the future", VALID.replace("1699123456.789", "99999999999"), 422, "invalid_field", "timestamp"),
                Arguments.of("metadata a string", VALID.replace("{\"platform\":\"web\"}", "\"web\""), 422, "invalid_field", "metadata"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void aBadBody_isAClear4xx_andStoresNothing(String kind, String body, int status, String code, String field) {
        RunningApi.Reply reply = api.post(PATH, body);

        assertEquals(status, reply.status(), kind + ": " + reply.json());
        JsonNode error = reply.json().get("error");
        assertEquals(false, reply.json().get("success").asBoolean());
        assertEquals(code, error.get("code").asText(), kind);
        assertTrue(error.get("message").asText().length() > 5, kind);
        if (field != null) {
            assertEquals(field, error.get("field").asText(), kind);
        }
        assertTrue(api.nothingStored(), kind + " stored something");
    }

    private static final String WEBHOOK = "{\"event_type\":\"messaging\",\"page_id\":\"105\",\"data\":{"
            + "\"conversation\":{\"id\":\"105_602\",\"type\":\"INBOX\"},"
            + "\"message\":{\"id\":\"m_1\",\"message\":\"Xin chào\",\"from\":{\"id\":\"602\",\"name\":\"Lan\"},"
            + "\"attachments\":[],\"created_at\":\"2026-11-25T09:41:27\"}}}";
    private static final String CHAT = "{\"conversation_id\":\"c_1\",\"history\":\"<USER>Hello</USER><br>\","
            + "\"resources\":{\"user_id\":\"123\"}}";

    static Stream<Arguments> badRequestsToOtherEndpoints() {
        String webhook = "/api/v1/pancake/webhook";
        String chat = "/api/v1/chat/message";
        return Stream.of(
                Arguments.of("webhook: event_type missing", webhook, WEBHOOK.replace("\"event_type\":\"messaging\",", ""), 422, "event_type"),
                Arguments.of("webhook: page_id missing", webhook, WEBHOOK.replace("\"page_id\":\"105\",", ""), 422, "page_id"),
                Arguments.of("webhook: data not an object", webhook, WEBHOOK.replaceFirst("\"data\":\\{.*$", "\"data\":[]}"), 422, "data"),
                Arguments.of("webhook: conversation missing", webhook, WEBHOOK.replace("\"conversation\":{\"id\":\"105_602\",\"type\":\"INBOX\"},", ""), 422, "data.conversation"),
                Arguments.of("webhook: conversation id missing", webhook, WEBHOOK.replace("\"id\":\"105_602\",", ""), 422, "data.conversation.id"),
                Arguments.of("webhook: message id missing", webhook, WEBHOOK.replace("\"id\":\"m_1\",", ""), 422, "data.message.id"),
                Arguments.of("webhook: sender missing", webhook, WEBHOOK.replace("\"from\":{\"id\":\"602\",\"name\":\"Lan\"},", ""), 422, "data.message.from"),
                Arguments.of("webhook: blank text, no attachment", webhook, WEBHOOK.replace("Xin chào", " "), 422, "data.message.message"),
                Arguments.of("webhook: created_at not a date", webhook, WEBHOOK.replace("2026-11-25T09:41:27", "yesterday"), 422, "data.message.created_at"),
                Arguments.of("webhook: message id with a control character", webhook, WEBHOOK.replace("m_1", "m\\u0007"), 422, "message_id"),
                Arguments.of("chat: history missing", chat, CHAT.replace("\"history\":\"<USER>Hello</USER><br>\",", ""), 422, "history"),
                Arguments.of("chat: history a list", chat, CHAT.replace("\"<USER>Hello</USER><br>\"", "[\"Hello\"]"), 422, "history"),
                Arguments.of("chat: text outside the turns", chat, CHAT.replace("<USER>Hello</USER><br>", "Hello <USER>Hi</USER>"), 422, "history"),
                Arguments.of("chat: an unclosed turn", chat, CHAT.replace("<USER>Hello</USER><br>", "<USER>Hello"), 422, "history"),
                Arguments.of("chat: an empty turn", chat, CHAT.replace("<USER>Hello</USER>", "<USER> </USER>"), 422, "history"),
                Arguments.of("chat: nothing left to answer", chat, CHAT.replace("<USER>Hello</USER><br>", "<USER>Hi</USER><BOT>Hello!</BOT>"), 422, "history"),
                Arguments.of("chat: conversation_id a number", chat, CHAT.replace("\"c_1\"", "7"), 422, "conversation_id"),
                Arguments.of("chat: conversation_id blank", chat, CHAT.replace("\"c_1\"", "\"  \""), 422, "conversation_id"),
                Arguments.of("chat: resources a string", chat, CHAT.replace("{\"user_id\":\"123\"}", "\"123\""), 422, "resources"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequestsToOtherEndpoints")
    void aBadRequestToAnyEndpoint_isAClear422NamingTheField_andStoresNothing(String kind, String path, String body,
                                                                             int status, String field) {
        RunningApi.Reply reply = api.post(path, body);

        assertEquals(status, reply.status(), kind + ": " + reply.json());
        assertEquals("invalid_field", reply.json().get("error").get("code").asText(), kind);
        assertEquals(field, reply.json().get("error").get("field").asText(), kind);
        assertTrue(api.nothingStored(), kind + " stored something");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
            "/api/v1/admin/conversations?limit=0, limit", "/api/v1/admin/conversations?limit=lots, limit",
            "/api/v1/admin/conversations?offset=-1, offset", "/api/v1/admin/conversations?limit=100000, limit"})
    void aBadQueryParameter_isA422NamingIt(String path, String field) {
        RunningApi.Reply reply = api.get(path, RunningApi.ADMIN_TOKEN);

        assertEquals(422, reply.status(), reply.json().toString());
        assertEquals(field, reply.json().get("error").get("field").asText());
    }

    @Test
    void aCleanupWithAnAgeOfZero_isRefused() {
        RunningApi.Reply reply = api.post("/api/v1/admin/system/cleanup?max_age_hours=0", "", RunningApi.ADMIN_TOKEN);

        assertEquals(422, reply.status());
        assertEquals("max_age_hours", reply.json().get("error").get("field").asText());
    }

    @Test
    void aBodyLargerThanTheLimit_is413_andStoresNothing() {
        String huge = VALID.replace("Xin chào", "a".repeat((int) RunningApi.MAX_BODY));
        // Expect: 100-continue, as large uploads do: the server refuses on the declared length before any body is
        // sent. Without it the client may still be writing the body when the refused connection closes, and then
        // never reads the 413 (a race of the test's client, seen once in CI).
        HttpRequest request = api.request(PATH).expectContinue(true)
                .header("Authorization", "Bearer " + RunningApi.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build();

        RunningApi.Reply reply = api.send(request);

        assertEquals(413, reply.status());
        assertEquals("body_too_large", reply.json().get("error").get("code").asText());
        assertTrue(api.nothingStored());
    }

    @Test
    void aChunkedBodyLargerThanTheLimit_is413Too() {
        byte[] huge = VALID.replace("Xin chào", "a".repeat((int) RunningApi.MAX_BODY)).getBytes();
        HttpRequest request = api.request(PATH).header("Authorization", "Bearer " + RunningApi.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))).build();

        RunningApi.Reply reply = api.send(request);

        assertEquals(413, reply.status());
        assertTrue(api.nothingStored());
    }

    @Test
    void aBodyThatIsNotJson_is415() {
        HttpRequest request = api.request(PATH).header("Authorization", "Bearer " + RunningApi.TOKEN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(VALID)).build();

        RunningApi.Reply reply = api.send(request);

        assertEquals(415, reply.status());
        assertEquals("unsupported_media_type", reply.json().get("error").get("code").asText());
        assertTrue(api.nothingStored());
    }
}
