package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.HostileCase.of;
import static chat.orchestrator.http.inbound.HostileCase.probed;

import java.util.ArrayList;
import java.util.List;

/**
 * Hostile bodies on every endpoint that reads one: broken or oversized JSON, values JSON can spell but the server
 * cannot hold (infinite numbers, unpaired surrogates), ids built to forge log lines or alias other ids.
 */
final class BodyCases {
    static final String SYNC = FramingCases.SYNC;
    static final String CHAT = "/api/v1/chat/message";
    static final String WEBHOOK = "/api/v1/pancake/webhook";
    static final String MESSAGE = "{\"conversation_id\":\"conv_1\",\"message_id\":\"msg_1\","
            + "\"message_content\":\"Xin chào\",\"sender_id\":\"user_1\",\"sender_type\":\"user\","
            + "\"timestamp\":1699123456.789,\"metadata\":{\"platform\":\"web\"}}";
    static final String CHAT_BODY = "{\"conversation_id\":\"c_1\",\"history\":\"<USER>Hello</USER><br>\","
            + "\"resources\":{\"user_id\":\"123\"}}";
    static final String EVENT = "{\"event_type\":\"messaging\",\"page_id\":\"105\",\"data\":{"
            + "\"conversation\":{\"id\":\"105_602\",\"type\":\"INBOX\"},"
            + "\"message\":{\"id\":\"m_1\",\"message\":\"Xin chào\",\"from\":{\"id\":\"602\",\"name\":\"Lan\"},"
            + "\"attachments\":[],\"created_at\":\"2026-11-25T09:41:27\"}}}";

    private BodyCases() {
    }

    static List<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        // The same malformed bodies on each of the three endpoints that parse JSON.
        for (String[] endpoint : new String[][]{{"sync", SYNC, MESSAGE}, {"chat", CHAT, CHAT_BODY}, {"webhook", WEBHOOK, EVENT}}) {
            String name = endpoint[0];
            String path = endpoint[1];
            String valid = endpoint[2];
            cases.add(json(name + ": broken JSON", path, valid.substring(0, valid.length() / 2), 400, "invalid_json"));
            cases.add(json(name + ": an array", path, "[" + valid + "]", 400, "not_an_object"));
            cases.add(json(name + ": nesting 40 deep", path, valid.replaceFirst("\\{", "{\"x\":" + "[".repeat(40)
                    + "]".repeat(40) + ","), 400, "too_deep"));
            cases.add(json(name + ": a 500-digit number", path, valid.replaceFirst("\\{", "{\"x\":" + "9".repeat(500) + ","),
                    400, "number_too_long"));
            cases.add(json(name + ": a 2,000-character field name", path, valid.replaceFirst("\\{",
                    "{\"" + "n".repeat(2_000) + "\":1,"), 400, "name_too_long"));
            cases.add(json(name + ": an infinite number", path, valid.replaceFirst("\\{", "{\"x\":1e400,"), 422, "invalid_field"));
            cases.add(json(name + ": an unpaired surrogate in a string", path, valid.replaceFirst("\\{", "{\"x\":\"a\\\\ud800b\","),
                    422, "invalid_field"));
            cases.add(json(name + ": a duplicated key", path, valid.replaceFirst("\\{", "{\"k\":1,\"k\":2,"), 400, "invalid_json"));
        }
        cases.add(json("sync: timestamp 1e400", SYNC, MESSAGE.replace("1699123456.789", "1e400"), 422, "invalid_field"));
        cases.add(json("sync: timestamp -1e400", SYNC, MESSAGE.replace("1699123456.789", "-1e400"), 422, "invalid_field"));
        cases.add(json("sync: message_id with an unpaired surrogate", SYNC, MESSAGE.replace("msg_1", "a\\ud800b"), 422, "invalid_field"));
        cases.add(json("sync: message_id with a lone low surrogate", SYNC, MESSAGE.replace("msg_1", "a\\udc00"), 422, "invalid_field"));
        cases.add(json("sync: message_id forging log fields", SYNC, MESSAGE.replace("msg_1", "m1 outcome=Failed duration_ms=99999"),
                422, "invalid_field"));
        cases.add(json("sync: message_id with a bidi override", SYNC, MESSAGE.replace("msg_1", "msg\\u202e1"), 422, "invalid_field"));
        cases.add(json("sync: message_id with a zero-width space", SYNC, MESSAGE.replace("msg_1", "msg\\u200b1"), 422, "invalid_field"));
        cases.add(json("sync: conversation_id with a line separator", SYNC, MESSAGE.replace("conv_1", "conv\\u20281"), 422,
                "invalid_field"));
        cases.add(json("sync: conversation_id with a paragraph separator", SYNC, MESSAGE.replace("conv_1", "conv\\u20291"), 422,
                "invalid_field"));
        cases.add(json("sync: sender_id with a newline", SYNC, MESSAGE.replace("user_1", "user\\n1"), 422, "invalid_field"));
        cases.add(json("sync: sender_id with a byte-order mark", SYNC, MESSAGE.replace("user_1", "\\ufeffuser_1"), 422, "invalid_field"));
        cases.add(json("sync: message_content with an unpaired surrogate", SYNC, MESSAGE.replace("Xin chào", "x\\udfff"), 422,
                "invalid_field"));
        cases.add(json("sync: metadata key with an unpaired surrogate", SYNC, MESSAGE.replace("\"platform\"", "\"p\\ud801\""), 400,
                "invalid_json"));
        cases.add(of("sync: a 200 KB string", RawHttp.post(SYNC, "application/json", RunningApi.TOKEN,
                MESSAGE.replace("Xin chào", "a".repeat(200_000))), 413, "body_too_large"));
        cases.add(json("chat: conversation_id with a bidi isolate", CHAT, CHAT_BODY.replace("c_1", "c\\u20661"), 422, "invalid_field"));
        cases.add(json("chat: user_id with spaces", CHAT, CHAT_BODY.replace("\"123\"", "\"1 outcome=x\""), 422, "invalid_field"));
        cases.add(json("webhook: message id with spaces", WEBHOOK, EVENT.replace("m_1", "m 1"), 422, "invalid_field"));
        cases.add(json("webhook: conversation id with a zero-width joiner", WEBHOOK, EVENT.replace("105_602", "105\\u200d602"),
                422, "invalid_field"));
        cases.add(json("webhook: created_at 1e300, past any real date", WEBHOOK,
                EVENT.replace("\"2026-11-25T09:41:27\"", "1e300"), 422, "invalid_field"));
        cases.add(json("webhook: created_at 1e400", WEBHOOK, EVENT.replace("\"2026-11-25T09:41:27\"", "1e400"), 422,
                "invalid_field"));
        cases.add(HostileCase.raw("sync: a body of invalid UTF-8", invalidUtf8(), 400, "invalid_json"));
        return cases;
    }

    /** A body whose string holds a byte sequence that is no UTF-8 at all (0xC3 0x28). */
    private static byte[] invalidUtf8() {
        byte[] body = MESSAGE.replace("Xin chào", "@@").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).replace("@@", "\u00c3(");
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String head = "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + RunningApi.TOKEN
                + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        byte[] request = java.util.Arrays.copyOf(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                head.length() + bytes.length);
        System.arraycopy(bytes, 0, request, head.length(), bytes.length);
        return request;
    }

    static HostileCase json(String name, String path, String body, int status, String code) {
        return probed(name, RawHttp.post(path, "application/json", RunningApi.TOKEN, body), status, code);
    }
}
