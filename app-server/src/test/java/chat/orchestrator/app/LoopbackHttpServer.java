package chat.orchestrator.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** The JDK's HTTP server on a free loopback port, one virtual thread per exchange: the stubs of AI and Pancake. */
public final class LoopbackHttpServer {
    private LoopbackHttpServer() {
    }

    /** Handles one exchange; the exchange is closed after it, whatever happened. */
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    public static HttpServer start(int backlog, Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }
}
