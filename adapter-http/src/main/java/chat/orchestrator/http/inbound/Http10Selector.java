package chat.orchestrator.http.inbound;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Serves HTTP/1.0 requests, which Helidon 4.5 refuses outright. nginx speaks HTTP/1.0 to its upstreams unless told
 * otherwise, so without this an instance behind a default nginx answers nothing. An HTTP/1.0 connection is handed to
 * Helidon's HTTP/1.1 connection with its first request line read as HTTP/1.1 plus {@code Connection: close}: one
 * request per connection, as HTTP/1.0 without keep-alive means, answered with a length (never chunked), which an
 * HTTP/1.0 client reads. Any other first line that is not HTTP/1.1 (no version, HTTP/2.0 in a request line, a line
 * too long) also comes here and goes to Helidon's connection unchanged, so that it is answered 400, 414 or 505 in
 * JSON instead of the connection being dropped without a word (which is what Helidon does once a second selector
 * exists). A first line that arrives in pieces is taken for HTTP/1.1, as Helidon does; nginx sends it whole.
 */
final class Http10Selector implements ServerConnectionSelector {
    private static final String VERSION = " HTTP/1.0\r";
    private static final String HTTP_11 = " HTTP/1.1\r";
    /** Past this without a line end, the request line is too long anyway: let Helidon answer 414. */
    private static final int MAX_LINE = 16 * 1024;
    private static final byte[] AS_HTTP_11 = " HTTP/1.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Http1ConnectionSelector http1 = Http1ConnectionSelector.builder().config(Http1Config.create()).build();

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        int lf = request.indexOf(Bytes.LF_BYTE);
        if (lf == -1) {
            return request.available() > MAX_LINE ? Support.SUPPORTED : Support.UNKNOWN;
        }
        return request.readString(lf).endsWith(HTTP_11) ? Support.UNSUPPORTED : Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        DataReader reader = ctx.dataReader();
        BufferData start = reader.getBuffer(reader.available());
        int lf = start.indexOf(Bytes.LF_BYTE);
        if (lf == -1 || !start.readString(lf).endsWith(VERSION)) {
            return http1.connection(ctx);
        }
        return http1.connection(new RewrittenFirstLine(ctx, rewrittenReader(reader)));
    }

    /** The same bytes, except the first line's version: " HTTP/1.0\r\n" becomes " HTTP/1.1\r\nConnection: close\r\n". */
    private static DataReader rewrittenReader(DataReader original) {
        int lf = original.findNewLine(Integer.MAX_VALUE);
        byte[] line = original.readBytes(lf - VERSION.length() + 1);
        original.skip(VERSION.length() + 1);
        byte[] first = new byte[line.length + AS_HTTP_11.length];
        System.arraycopy(line, 0, first, 0, line.length);
        System.arraycopy(AS_HTTP_11, 0, first, line.length, AS_HTTP_11.length);
        boolean[] firstServed = {false};
        return DataReader.create(() -> {
            if (!firstServed[0]) {
                firstServed[0] = true;
                return first;
            }
            try {
                original.ensureAvailable();
                return original.readBytes(original.available());
            } catch (DataReader.InsufficientDataAvailableException closed) {
                return null;
            }
        });
    }

    /** The connection's context with the rewritten reader; everything else is the connection's own. */
    private record RewrittenFirstLine(ConnectionContext ctx, DataReader reader) implements ConnectionContext {
        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }
}
