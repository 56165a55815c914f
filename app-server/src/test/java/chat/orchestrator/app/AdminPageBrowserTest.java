package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The admin page end to end in a real browser: a real server with conversations (one held by a slow AI, one whose
 * id and whose Pancake error carry markup), a dead letter, and headless Chromium driven by playwright-core
 * ({@code src/test/browser/admin-page.test.mjs}) entering the token, retrying the dead letter, force-releasing,
 * cleaning up and checking that no customer text runs and the CSP refuses inline script; then a person's JWT in the
 * token field: expired, without the admin role, and one that opens the page.
 *
 * <p>Needs {@code node}, Chromium ({@code CHROMIUM_PATH}, else {@code chromium} or {@code chromium-browser} on the PATH) and {@code npm ci} run in
 * {@code src/test/browser}; without them the test is skipped, unless {@code REQUIRE_BROWSER_TESTS=1} (set by
 * {@code .ci/run}) makes their absence a failure.
 */
class AdminPageBrowserTest {
    private static final Path SCRIPT_DIR = Path.of("src", "test", "browser");
    private static final String ADMIN_TOKEN = "admin-browser-token";
    private static final String MESSAGE_TOKEN = "message-browser-token";
    /** The customer's message: markup that would run if the page ever made elements of what it shows. */
    private static final String XSS_TEXT = "<img src=x onerror=window.__xss=1>";
    /** Ids take no whitespace, so the id's markup uses slashes, which HTML also takes between attributes. */
    private static final String XSS_CONVERSATION = "<img/src/onerror=window.__xss=1>";
    private static final String HELD_CONVERSATION = "conv-held-by-slow-ai";
    private static final String JWT_SECRET = "the admin page test's HS256 secret, 32+ bytes";
    private static final String JWT_ISSUER = "https://idp.example.test/";
    private static final String JWT_AUDIENCE = "chat-orchestrator";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theAdminPageWorksInChromiumAndRunsNoCustomerText() throws Exception {
        requireBrowserTools();
        AtomicBoolean pancakeRefuses = new AtomicBoolean(true);
        CountDownLatch releaseHeldAnswer = new CountDownLatch(1);
        HttpServer ai = LoopbackHttpServer.start(16, exchange -> answerAsAi(exchange, releaseHeldAnswer));
        HttpServer pancake = LoopbackHttpServer.start(16, exchange -> answerAsPancake(exchange, pancakeRefuses));
        ShiftedClock clock = new ShiftedClock();
        Map<String, String> env = new HashMap<>(Map.of("API_HOST", "127.0.0.1", "API_PORT", "0",
                "ADMIN_ACCESS_TOKEN", ADMIN_TOKEN, "PANCAKE_ACCESS_TOKEN", MESSAGE_TOKEN,
                "CONSOLIDATION_WINDOW_MS", "0",
                "AI_SERVICE_URL", "http://127.0.0.1:" + ai.getAddress().getPort() + "/v1",
                "AI_MODEL", "echo",
                "PANCAKE_BASE_URL", "http://127.0.0.1:" + pancake.getAddress().getPort(),
                "PANCAKE_DELIVERY_MAX_AGE", "60",
                "PANCAKE_DELIVERY_MAX_BACKOFF", "1"));
        env.putAll(Map.of("ADMIN_JWT_SECRET", JWT_SECRET, "ADMIN_JWT_ISSUER", JWT_ISSUER,
                "ADMIN_JWT_AUDIENCE", JWT_AUDIENCE));
        AppConfig config = AppConfig.fromEnvironment(env);
        try (Application application = Application.start(config, Tokens.from(config), clock)) {
            String base = "http://127.0.0.1:" + application.port();

            // Pancake refuses the answer to the markup message, quoting it; past the horizon it is a dead letter.
            JsonNode queued = send(base, "POST", "/api/v1/enhanced-handle-message", MESSAGE_TOKEN, syncMessage(
                    XSS_CONVERSATION, XSS_CONVERSATION, XSS_TEXT));
            assertEquals("queued", queued.path("result").path("pancake_result").path("status").asText(), queued.toString());
            clock.shift(Duration.ofMinutes(2));
            JsonNode dead = awaitJson(base, "/api/v1/admin/deliveries?status=dead_letter",
                    body -> body.path("deliveries").size() == 1);
            String deadRunId = dead.path("deliveries").get(0).path("run_id").asText();
            pancakeRefuses.set(false);

            for (String conversation : List.of("conv-answered-1", "conv-answered-2")) {
                send(base, "POST", "/api/v1/enhanced-handle-message", MESSAGE_TOKEN,
                        syncMessage(conversation, conversation + "-m1", "Xin chào, còn lịch sáng thứ Hai không?"));
            }
            // The slow AI holds this conversation's answer; a second message waits behind it.
            send(base, "POST", "/api/v1/chat/message", MESSAGE_TOKEN, json.createObjectNode()
                    .put("conversation_id", HELD_CONVERSATION).put("history", "<USER>please hold</USER><br>").toString());
            awaitJson(base, "/api/v1/admin/conversations", body -> conversation(body, HELD_CONVERSATION)
                    .map(c -> c.path("ai_processing").asBoolean()).orElse(false));
            send(base, "POST", "/api/v1/chat/message", MESSAGE_TOKEN, json.createObjectNode()
                    .put("conversation_id", HELD_CONVERSATION)
                    .put("history", "<USER>please hold</USER><br><USER>and one more thing</USER><br>").toString());

            runBrowserScript(Map.ofEntries(Map.entry("BASE_URL", base), Map.entry("ADMIN_TOKEN", ADMIN_TOKEN),
                    Map.entry("XSS_TEXT", XSS_TEXT), Map.entry("XSS_CONVERSATION", XSS_CONVERSATION),
                    Map.entry("DEAD_RUN_ID", deadRunId), Map.entry("HELD_CONVERSATION", HELD_CONVERSATION),
                    Map.entry("HANDOFF_CONVERSATION", "conv-answered-1"),
                    Map.entry("ADMIN_JWT", jwt(List.of("orchestrator-admin"), Duration.ofMinutes(10))),
                    Map.entry("EXPIRED_JWT", jwt(List.of("orchestrator-admin"), Duration.ofMinutes(-10))),
                    Map.entry("ROLELESS_JWT", jwt(List.of("viewer"), Duration.ofMinutes(10))),
                    Map.entry("SCREENSHOT", Path.of("target", "admin-page.png").toAbsolutePath().toString())));

            // What the page's buttons did, seen from the server.
            awaitJson(base, "/api/v1/admin/deliveries?status=delivered", body -> {
                for (JsonNode delivery : body.path("deliveries")) {
                    if (delivery.path("run_id").asText().equals(deadRunId)) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            releaseHeldAnswer.countDown();
            ai.stop(0);
            pancake.stop(0);
        }
    }

    /** A person's HS256 JWT with these roles, expiring this long from now (in the past when negative). */
    private static String jwt(List<String> roles, Duration expiresIn) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .issuer(JWT_ISSUER).audience(JWT_AUDIENCE).subject("alice@example.test")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(expiresIn))).claim("roles", roles).build());
        jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** Node, Chromium and playwright-core, or a skip (a failure when REQUIRE_BROWSER_TESTS=1) saying what is missing. */
    private static void requireBrowserTools() {
        String missing = !onPath("node") ? "node is not on the PATH"
                : chromium().isEmpty() ? "no Chromium on the PATH (install it, or set CHROMIUM_PATH)"
                : !Files.isDirectory(SCRIPT_DIR.resolve("node_modules").resolve("playwright-core"))
                ? "playwright-core is not installed: run npm ci in app-server/src/test/browser" : "";
        if (missing.isEmpty()) {
            return;
        }
        String message = "admin page browser test: " + missing;
        if ("1".equals(System.getenv("REQUIRE_BROWSER_TESTS"))) {
            fail(message + " (REQUIRE_BROWSER_TESTS=1)");
        }
        Assumptions.abort(message + "; skipped (REQUIRE_BROWSER_TESTS=1 makes this a failure)");
    }

    private static boolean onPath(String command) {
        return find(command).isPresent();
    }

    /** CHROMIUM_PATH when set, else Chromium as Debian or other distributions name it on the PATH. */
    private static Optional<Path> chromium() {
        return Optional.ofNullable(System.getenv("CHROMIUM_PATH")).map(Path::of).filter(Files::isExecutable)
                .or(() -> find("chromium")).or(() -> find("chromium-browser"));
    }

    private static Optional<Path> find(String command) {
        return Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> List.of(path.split(java.io.File.pathSeparator)).stream())
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }

    private static void runBrowserScript(Map<String, String> environment) throws IOException, InterruptedException {
        Path log = Path.of("target", "admin-page-browser.log");
        ProcessBuilder builder = new ProcessBuilder("node", "admin-page.test.mjs")
                .directory(SCRIPT_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("CHROMIUM_PATH", chromium().orElseThrow().toString());
        Process node = builder.start();
        if (!node.waitFor(3, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            fail("the browser script did not finish within 3 minutes; " + log + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertEquals(0, node.exitValue(), "the browser script failed; " + log + ":\n" + output);
        assertTrue(output.contains("ok: window.__xss is undefined"), output);
    }

    private String syncMessage(String conversation, String messageId, String text) {
        return json.createObjectNode().put("conversation_id", conversation).put("message_id", messageId)
                .put("message_content", text).put("sender_id", "customer-1")
                .put("timestamp", Instant.now().getEpochSecond()).toString();
    }

    private static Optional<JsonNode> conversation(JsonNode listing, String id) {
        for (JsonNode conversation : listing.path("conversations")) {
            if (conversation.path("conversation_id").asText().equals(id)) {
                return Optional.of(conversation);
            }
        }
        return Optional.empty();
    }

    private JsonNode send(String base, String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
        return json.readTree(response.body());
    }

    /** Polls an admin endpoint until its answer satisfies {@code done}; fails after 20 s. */
    private JsonNode awaitJson(String base, String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            last = json.readTree(response.body());
            if (done.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return fail("GET " + path + " never showed what was awaited; last answer: " + last);
    }

    /** An OpenAI-compatible AI that echoes the customer's last message, and holds any that asks it to. */
    private void answerAsAi(HttpExchange exchange, CountDownLatch release) throws IOException {
        JsonNode request = json.readTree(exchange.getRequestBody());
        JsonNode messages = request.path("messages");
        String last = "";
        for (JsonNode message : messages) {
            if (message.path("role").asText().equals("user")) {
                last = message.path("content").asText();
            }
        }
        if (last.contains("please hold")) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var answer = json.createObjectNode().put("id", "chatcmpl-echo").put("object", "chat.completion")
                .put("model", "echo");
        answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", "You wrote: " + last);
        respond(exchange, 200, json.writeValueAsString(answer));
    }

    /** Pancake, refusing while asked to with a 503 that quotes the message it could not send (as proxies do). */
    private void answerAsPancake(HttpExchange exchange, AtomicBoolean refuse) throws IOException {
        JsonNode request = json.readTree(exchange.getRequestBody());
        if (refuse.get()) {
            respond(exchange, 503, "could not deliver: " + request.path("ai_response").path("response_text").asText());
        } else {
            respond(exchange, 200, "{\"success\": true}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status == 200 ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The system clock, moved forward on demand: the delivery horizon passes without waiting for it. */
    private static final class ShiftedClock extends Clock {
        private volatile Duration shift = Duration.ZERO;

        void shift(Duration by) {
            shift = shift.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
