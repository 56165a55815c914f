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

    @Test
    void aBodyLargerThanTheLimit_is413_andStoresNothing() {
        String huge = VALID.replace("Xin chào", "a".repeat((int) RunningApi.MAX_BODY));

        RunningApi.Reply reply = api.post(PATH, huge);

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
