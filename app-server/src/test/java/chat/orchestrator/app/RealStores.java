package chat.orchestrator.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import redis.embedded.RedisServer;

/**
 * What a deployment talks to, started on free ports for end-to-end tests: a Redis, a PostgreSQL, an
 * OpenAI-compatible AI that answers the fixture after a few milliseconds, and a Pancake that records callbacks.
 */
final class RealStores implements AutoCloseable {
    final RedisServer redis;
    final int redisPort;
    final EmbeddedPostgres postgres;
    final HttpServer ai;
    final HttpServer pancake;
    final List<Callback> callbacks = new CopyOnWriteArrayList<>();
    /** The {@code X-Request-Id} of each call the AI received (empty text when it carried none). */
    final List<String> aiRequestIds = new CopyOnWriteArrayList<>();

    /** One callback Pancake received: the idempotency key, the body and the {@code X-Request-Id} (or empty text). */
    record Callback(String idempotencyKey, String body, String requestId) {
    }

    RealStores() throws IOException {
        redisPort = freePort();
        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        String answer = Fixtures.text("openai-response-json.json");
        ai = LoopbackHttpServer.start(64, exchange -> {
            exchange.getRequestBody().readAllBytes();
            aiRequestIds.add(requestId(exchange));
            sleep(ThreadLocalRandom.current().nextInt(5, 40));
            respond(exchange, answer);
        });
        pancake = LoopbackHttpServer.start(64, exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            callbacks.add(new Callback(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body, requestId(exchange)));
            respond(exchange, "{\"success\": true}");
        });
    }

    /** The environment of a server instance using all four, with its own port. */
    Map<String, String> environment(String database, int apiPort) {
        Map<String, String> env = new HashMap<>();
        env.put("API_HOST", "127.0.0.1");
        env.put("API_PORT", Integer.toString(apiPort));
        env.put("PANCAKE_ACCESS_TOKEN", "message-token");
        env.put("ADMIN_ACCESS_TOKEN", "admin-token");
        env.put("CONSOLIDATION_WINDOW_MS", "20");
        env.put("SHUTDOWN_DRAIN_SECONDS", "0");
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/0");
        env.put("DATABASE_URL", "postgres://postgres@localhost:" + postgres.getPort() + "/" + database + "?sslmode=disable");
        env.put("AI_SERVICE_URL", "http://127.0.0.1:" + ai.getAddress().getPort() + "/v1");
        env.put("AI_MODEL", "qwen2.5-7b-instruct");
        env.put("PANCAKE_BASE_URL", "http://127.0.0.1:" + pancake.getAddress().getPort());
        return env;
    }

    String createDatabase(String name) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        }
        return name;
    }

    Connection connect(String database) throws SQLException {
        return postgres.getDatabase("postgres", database).getConnection();
    }

    @Override
    public void close() throws IOException {
        ai.stop(0);
        pancake.stop(0);
        try {
            redis.stop();
        } finally {
            postgres.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String requestId(HttpExchange exchange) {
        String id = exchange.getRequestHeaders().getFirst("X-Request-Id");
        return id == null ? "" : id;
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
