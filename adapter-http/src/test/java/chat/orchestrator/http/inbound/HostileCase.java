package chat.orchestrator.http.inbound;

import java.nio.charset.StandardCharsets;

/**
 * One request an attacker might send, as raw bytes, and what the server must answer.
 *
 * @param name    what the case tries, for the test report
 * @param target  which server: the one with a plain webhook or the one that requires signatures
 * @param request the bytes written to the socket
 * @param status  the expected status of the first response; 0: the server closes the connection without answering
 * @param code    the expected {@code error.code}, or null for a success
 * @param probe   whether a harmless request follows on the same connection, to prove the server read the first
 *                request's bytes exactly (a smuggled request in a body would show up as one response too many)
 */
record HostileCase(String name, Target target, byte[] request, int status, String code, boolean probe) {

    enum Target { PLAIN, SIGNED }

    static final String PROBE = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    static HostileCase of(String name, String request, int status, String code) {
        return new HostileCase(name, Target.PLAIN, bytes(request), status, code, false);
    }

    static HostileCase probed(String name, String request, int status, String code) {
        return new HostileCase(name, Target.PLAIN, bytes(request), status, code, true);
    }

    static HostileCase signed(String name, String request, int status, String code) {
        return new HostileCase(name, Target.SIGNED, bytes(request), status, code, true);
    }

    /** For a request whose body never comes: a probe after it would be read as that body. */
    static HostileCase signedUnprobed(String name, String request, int status, String code) {
        return new HostileCase(name, Target.SIGNED, bytes(request), status, code, false);
    }

    static HostileCase raw(String name, byte[] request, int status, String code) {
        return new HostileCase(name, Target.PLAIN, request, status, code, false);
    }

    byte[] wire() {
        if (!probe) {
            return request;
        }
        byte[] probeBytes = bytes(PROBE);
        byte[] both = java.util.Arrays.copyOf(request, request.length + probeBytes.length);
        System.arraycopy(probeBytes, 0, both, request.length, probeBytes.length);
        return both;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return name;
    }
}
