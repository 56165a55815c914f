package chat.orchestrator.http.inbound;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Makes sure the bytes after a response are the client's next request and nothing else (request smuggling). Helidon
 * 4.5.0 skips the unread body of a request that says {@code Connection: close}, keeps the connection open anyway
 * (helidon#12324), and then parses that body as the next request: a 404 whose body held an admin request ran it.
 * After every response this filter either closes the connection (the client asked for it, the handler did, or the
 * body could not be read cleanly) or drains what the handler left unread, within the body size limit and the body
 * read deadline, so the next request starts where the client's next request starts.
 */
final class ConnectionGuard implements Filter {
    private final BodyDeadline deadline;

    ConnectionGuard(BodyDeadline deadline) {
        this.deadline = deadline;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        chain.proceed();
        // Drained even before a close: closing on unread bytes makes the kernel send a reset, which can destroy
        // the response before the client has read it.
        boolean drained = request.content().consumed() || bodyIsComing(request) && drain(request);
        if (!drained || mustClose(request, response)) {
            throw new CloseConnectionException("connection closed after the response");
        }
    }

    private static boolean mustClose(RoutingRequest request, RoutingResponse response) {
        return request.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || response.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || !"1.1".equals(request.prologue().protocolVersion())
                // Both framings at once is how smuggling starts; Helidon refuses it, this is the belt to its braces.
                || request.headers().contains(HeaderNames.TRANSFER_ENCODING)
                && request.headers().contains(HeaderNames.CONTENT_LENGTH);
    }

    /** A client that asked {@code Expect: 100-continue} and was not told to continue sends no body. */
    private static boolean bodyIsComing(RoutingRequest request) {
        return !request.headers().containsToken(HeaderValues.EXPECT_100) || request.continueSent();
    }

    /** Reads and discards the rest of the body; false if that failed (too large, too slow, malformed). */
    private boolean drain(RoutingRequest request) {
        try {
            return deadline.read(() -> {
                request.content().consume();
                return true;
            });
        } catch (RuntimeException unreadable) {
            return false;
        }
    }
}
