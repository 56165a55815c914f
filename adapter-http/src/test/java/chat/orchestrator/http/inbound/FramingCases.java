package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.HostileCase.of;
import static chat.orchestrator.http.inbound.HostileCase.probed;
import static chat.orchestrator.http.inbound.HostileCase.raw;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Attacks on the framing of HTTP/1.1 itself: a request hidden in the body of another (smuggling), contradicting or
 * malformed lengths and chunks, request lines and headers Helidon refuses before any route runs, wrong methods.
 */
final class FramingCases {
    static final String SYNC = "/api/v1/enhanced-handle-message";
    static final String VALID = "{\"conversation_id\":\"conv_smuggled\",\"message_id\":\"msg_smuggled\","
            + "\"message_content\":\"Xin chào\",\"sender_id\":\"user_1\",\"timestamp\":1699123456.789}";
    /** A request that would store a conversation if the server ever ran it. */
    static final String SMUGGLED = RawHttp.post(SYNC, "application/json", RunningApi.TOKEN, VALID);
    static final String SMUGGLED_CLEANUP = RawHttp.post("/api/v1/admin/system/cleanup?max_age_hours=1",
            "application/json", RunningApi.ADMIN_TOKEN, "");

    private FramingCases() {
    }

    static List<HostileCase> all() {
        return List.of(
                of("smuggle: a request in the body of a 404 that says Connection: close",
                        RawHttp.post("/nope", "application/json", null, SMUGGLED, "Connection: close"), 404, "not_found"),
                of("smuggle: an admin cleanup in the body of a 404 that says Connection: close",
                        RawHttp.post("/nope", "application/json", null, SMUGGLED_CLEANUP, "Connection: close"), 404, "not_found"),
                of("smuggle: in the body of a 401 that says Connection: close",
                        RawHttp.post(SYNC, "application/json", "wrong", SMUGGLED, "Connection: close"), 401, "unauthorized"),
                of("smuggle: in the body of a 415 that says Connection: close",
                        RawHttp.post(SYNC, "text/plain", RunningApi.TOKEN, SMUGGLED, "Connection: close"), 415, "unsupported_media_type"),
                of("smuggle: in the body of an admin POST (which reads no body) that says Connection: close",
                        RawHttp.post("/api/v1/admin/system/cleanup", "application/json", RunningApi.ADMIN_TOKEN, SMUGGLED,
                                "Connection: close"), 200, null),
                of("smuggle: in the body of a 405 that says Connection: close",
                        RawHttp.post("/health", "application/json", null, SMUGGLED, "Connection: close"), 405, "method_not_allowed"),
                of("smuggle: chunked body of a 404 that says Connection: close",
                        chunked("/nope", null, SMUGGLED, "Connection: close"), 404, "not_found"),
                probed("smuggle: in the body of a kept-alive 404 (drained, never run)",
                        RawHttp.post("/nope", "application/json", null, SMUGGLED), 404, "not_found"),
                probed("smuggle: in the body of a kept-alive 401 (drained, never run)",
                        RawHttp.post(SYNC, "application/json", "wrong", SMUGGLED), 401, "unauthorized"),
                probed("smuggle: in a chunked body of a kept-alive 404",
                        chunked("/nope", null, SMUGGLED), 404, "not_found"),
                probed("smuggle: in the body of a kept-alive admin POST",
                        RawHttp.post("/api/v1/admin/conversations/c1/cancel", "application/json", RunningApi.ADMIN_TOKEN,
                                SMUGGLED), 200, null),
                of("framing: Content-Length and Transfer-Encoding together",
                        "POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                + SMUGGLED, 400, "bad_request"),
                of("framing: two different Content-Length headers",
                        "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n{}{}{}",
                        400, "bad_request"),
                of("framing: a negative Content-Length",
                        "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}", 400, "bad_request"),
                of("framing: a Content-Length that is not a number",
                        "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n{}", 400, "bad_request"),
                of("framing: Transfer-Encoding other than chunked",
                        "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
                        "not_implemented"),
                of("framing: an invalid chunk-size line, with a token",
                        chunkedRaw(SYNC, RunningApi.TOKEN, "zz\r\n" + SMUGGLED), 400, "unreadable_body"),
                of("framing: an invalid chunk-size line quoting a forged log line",
                        chunkedRaw(SYNC, RunningApi.TOKEN, "1 outcome=Failed\nSEVERE forged\r\n{}\r\n0\r\n\r\n"), 400, "unreadable_body"),
                of("framing: a chunk size beyond any integer",
                        chunkedRaw(SYNC, RunningApi.TOKEN, "ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"), 400, "unreadable_body"),
                of("framing: chunked total over the body limit",
                        chunkedRaw(SYNC, RunningApi.TOKEN, "1ffff\r\n" + "a".repeat(0x1ffff) + "\r\n0\r\n\r\n"), 413, "body_too_large"),
                of("framing: declared Content-Length over the body limit (refused before reading)",
                        "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n{",
                        413, "body_too_large"),
                of("framing: a body that stops short of its Content-Length (read deadline)",
                        "POST " + SYNC + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + RunningApi.TOKEN
                                + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"conversation_id\":", 0, null),
                of("framing: a chunked body that never ends (read deadline)",
                        chunkedRaw(SYNC, RunningApi.TOKEN, "5\r\n{\"a\":\r\n"), 0, null),
                of("protocol: a request line too long", "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        414, "uri_too_long"),
                of("protocol: a request line with no version", "GET /health\r\nHost: x\r\n\r\n", 400, "bad_request"),
                of("protocol: HTTP/2.0 in an HTTP/1 request line", "GET /health HTTP/2.0\r\nHost: x\r\n\r\n", 400,
                        "bad_request"),
                of("protocol: HTTP/1.0, as nginx sends it by default, is served and closed",
                        "GET /health HTTP/1.0\r\nHost: backend\r\nConnection: close\r\n\r\n", 200, null),
                of("protocol: HTTP/1.0 with a request smuggled in its body",
                        "POST /nope HTTP/1.0\r\nHost: x\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED,
                        404, "not_found"),
                of("protocol: HTTP/1.0 asking for keep-alive, with a second request", "GET /health/live HTTP/1.0\r\nHost: x\r\n"
                        + "Connection: keep-alive\r\n\r\n" + SMUGGLED, 200, null),
                of("protocol: HTTP/1.0 without a Host header", "GET /health HTTP/1.0\r\n\r\n", 400, "bad_request"),
                of("protocol: a header line with no colon", "GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
                        400, "bad_request"),
                of("protocol: an obsolete folded header", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
                        400, "bad_request"),
                of("protocol: no Host header", "GET /health HTTP/1.1\r\n\r\n", 400, "bad_request"),
                of("protocol: two Host headers", "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "bad_request"),
                of("protocol: 20 KB of headers", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                        400, "bad_request"),
                raw("protocol: a NUL byte in the path",
                        "GET /hea\u0000lth HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 400, "bad_request"),
                of("method: GET on the message endpoint", RawHttp.get(SYNC, RunningApi.TOKEN, "Connection: close"), 405,
                        "method_not_allowed"),
                of("method: DELETE on /health", "DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405,
                        "method_not_allowed"),
                of("method: PUT on the chat endpoint", "PUT /api/v1/chat/message HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Content-Length: 0\r\n\r\n", 405, "method_not_allowed"),
                of("method: GET on a job cancel", RawHttp.get("/api/v1/chat/jobs/1/cancel", RunningApi.TOKEN, "Connection: close"),
                        405, "method_not_allowed"),
                of("method: an invented method", "BREW /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405,
                        "method_not_allowed"),
                of("path: an unknown path with a token", RawHttp.get("/api/v1/admin/secrets", RunningApi.ADMIN_TOKEN,
                        "Connection: close"), 404, "not_found"),
                of("path: dot segments towards an admin endpoint without its token",
                        RawHttp.get("/api/v1/status/../admin/stats", null, "Connection: close"), 401, "unauthorized"),
                of("path: an encoded slash towards an admin endpoint",
                        RawHttp.get("/api/v1/admin%2Fstats", null, "Connection: close"), 401, "unauthorized"),
                of("expect: 100-continue on a request that is refused for its token",
                        RawHttp.post(SYNC, "application/json", "wrong", "", "Expect: 100-continue", "Connection: close")
                                .replace("Content-Length: 0", "Content-Length: " + VALID.length()), 401, "unauthorized"));
    }

    static String chunked(String path, String token, String body, String... headers) {
        String chunk = Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + body + "\r\n0\r\n\r\n";
        return chunkedRaw(path, token, chunk, headers);
    }

    static String chunkedRaw(String path, String token, String chunks, String... headers) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").append(chunks).toString();
    }
}
