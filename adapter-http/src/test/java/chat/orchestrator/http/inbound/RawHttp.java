package chat.orchestrator.http.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client that writes exactly the bytes it is given, as an attacker would, and reads back every response the
 * server sends on that connection until it closes it (or stays silent for a while). No HTTP library in between, so
 * nothing fixes the request up.
 */
final class RawHttp {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One response as read off the wire. */
    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(body);
            } catch (IOException notJson) {
                throw new AssertionError("not a JSON body: " + body, notJson);
            }
        }

        String errorCode() {
            JsonNode error = json().path("error");
            return error.isObject() ? error.path("code").asText() : null;
        }
    }

    /** What came back on one connection: the responses, and whether the server closed it. */
    record Exchange(List<Response> responses, boolean closedByServer) {
        Response first() {
            if (responses.isEmpty()) {
                throw new AssertionError("no response at all (closed: " + closedByServer + ")");
            }
            return responses.get(0);
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} and reads until the server closes the connection or is silent for {@code quietMs}. */
    static Exchange exchange(int port, byte[] request, int quietMs) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(quietMs);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (java.net.SocketException refusedMidway) {
                // The server answered and closed before taking all of it (a body over the limit): read the answer.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Exchange exchange(int port, String request, int quietMs) {
        return exchange(port, request.getBytes(StandardCharsets.UTF_8), quietMs);
    }

    static String post(String path, String contentType, String token, String body, String... extraHeaders) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n");
        return request.append(body).toString();
    }

    static String get(String path, String token, String... extraHeaders) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static Exchange read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean closed;
        byte[] buffer = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException quiet) {
                closed = false;
                break;
            } catch (java.net.SocketException reset) {
                closed = true;
                break;
            }
            if (n < 0) {
                closed = true;
                break;
            }
            received.write(buffer, 0, n);
        }
        return new Exchange(parse(received.toByteArray()), closed);
    }

    private static List<Response> parse(byte[] bytes) {
        List<Response> responses = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0 || !text.startsWith("HTTP/1.", at)) {
                break;
            }
            String[] lines = text.substring(at, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            int bodyStart = headEnd + 4;
            int bodyEnd = Math.min(text.length(), bodyStart + length);
            String body = new String(text.substring(bodyStart, bodyEnd).getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            responses.add(new Response(status, headers, body));
            at = bodyEnd;
        }
        return responses;
    }
}
