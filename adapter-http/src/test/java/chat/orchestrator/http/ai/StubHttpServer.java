package chat.orchestrator.http.ai;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server for client tests, on a free port of the loopback interface: answers with scripted replies in
 * order (then with a fallback), and records every request it received, bytes as sent. Shared by the AI and the
 * Pancake client tests.
 */
public final class StubHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Reply fallback = Reply.json(500, "{\"error\": {\"message\": \"no reply scripted\"}}");

    private StubHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubHttpServer start() {
        try {
            return new StubHttpServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:port}, no trailing slash. */
    public URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** Replies to the next requests, one each, in order. */
    public StubHttpServer reply(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Replies to every request once the scripted ones are used up. */
    public StubHttpServer otherwise(Reply reply) {
        fallback = reply;
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** Waits until at least {@code count} requests arrived; fails the test after the timeout. */
    public void awaitRequests(int count, Duration timeout) {
        await(count + " request(s)").atMost(timeout).pollInterval(Duration.ofMillis(5))
                .until(() -> requests.size() >= count);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""), headers, body));
            Reply reply = Optional.ofNullable(script.poll()).orElse(fallback);
            if (!pause(reply.delay())) {
                return;
            }
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    int half = reply.bodyStall().isZero() ? answer.length : answer.length / 2;
                    out.write(answer, 0, half);
                    out.flush();
                    if (!pause(reply.bodyStall())) {
                        return;
                    }
                    out.write(answer, half, answer.length - half);
                }
            }
        } catch (IOException clientGone) {
            // The client timed out or was interrupted and closed the connection: expected in those tests.
        }
    }

    private static boolean pause(Duration duration) {
        if (duration.isZero()) {
            return true;
        }
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException stopping) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    /**
     * One scripted answer: status, JSON body, how long to wait before the headers, how long to stall after the
     * first half of the body, and extra response headers.
     */
    public record Reply(int status, String body, Duration delay, Duration bodyStall, Map<String, String> headers) {
        public static Reply json(int status, String body) {
            return new Reply(status, body, Duration.ZERO, Duration.ZERO, Map.of());
        }

        public Reply after(Duration wait) {
            return new Reply(status, body, wait, bodyStall, headers);
        }

        public Reply stallingMidBody(Duration stall) {
            return new Reply(status, body, delay, stall, headers);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, delay, bodyStall, Map.copyOf(more));
        }
    }

    /** One request as the server received it. */
    public record Recorded(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A header's first value, whatever the case of its name. */
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        /** The query parameters, decoded. */
        public Map<String, String> query() {
            Map<String, String> query = new LinkedHashMap<>();
            if (rawQuery.isEmpty()) {
                return query;
            }
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
            return Collections.unmodifiableMap(query);
        }

        @Override
        public String toString() {
            return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery) + " " + new ArrayList<>(headers.keySet());
        }
    }
}
