package chat.orchestrator.http.pancake;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding for one URL path segment or query value (RFC 3986): everything but the unreserved characters is
 * escaped. {@link java.net.URLEncoder} is for HTML forms and would turn a space into {@code +}, which a path
 * does not decode; a conversation id with a slash would otherwise change the path.
 */
final class PathSegments {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathSegments() {
    }

    static String encode(String value) {
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0F]);
            }
        }
        return encoded.toString();
    }
}
