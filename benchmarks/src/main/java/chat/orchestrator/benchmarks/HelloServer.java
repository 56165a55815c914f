package chat.orchestrator.benchmarks;

import io.helidon.webserver.WebServer;

/**
 * The HTTP ceiling: a Helidon server in this process that reads a JSON body and answers a small JSON one, with no
 * work between. What the load driver and Helidon reach on this machine before any orchestration.
 */
final class HelloServer implements AutoCloseable {
    private final WebServer server;

    HelloServer() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.post("/hello", (request, response) -> {
                    request.content().as(String.class);
                    response.header("Content-Type", "application/json").send("{\"success\":true,\"hello\":\"world\"}");
                }))
                .build().start();
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
