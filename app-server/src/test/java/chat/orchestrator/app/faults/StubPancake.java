package chat.orchestrator.app.faults;

import chat.orchestrator.app.LoopbackHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Pancake in callback mode, recording every call it gets: idempotency key, conversation, body, which instance sent
 * it (each instance's {@code PANCAKE_BASE_URL} ends in {@code /i<n>}), when, in which phase, and whether Pancake took
 * the answer. Switchable between healthy, down (HTTP 500), rate limited (429 with {@code Retry-After: 2} beyond one
 * answer a second) and slow (takes the answer, then holds the response past the sender's timeout). Armed, it kills
 * the instance whose delivery it is receiving, before answering: that answer was not taken.
 */
final class StubPancake implements AutoCloseable {
    enum Mode { HEALTHY, DOWN, RATE_LIMITED, SLOW }

    /** What became of one call. TAKEN and TAKEN_LATE count as delivered: Pancake has the answer. */
    enum Verdict {
        TAKEN, TAKEN_LATE, REFUSED_500, REFUSED_429, SENDER_KILLED;

        boolean delivered() {
            return this == TAKEN || this == TAKEN_LATE;
        }
    }

    /** One call as Pancake saw it. */
    record Call(String key, String conversationId, int instance, Instant at, String phase, Verdict verdict, String body) {
    }

    /** Longer than any client timeout the instances use (PANCAKE_TIMEOUT 2 s after the delivery fix, 5 s before). */
    static final Duration SLOW_ANSWER = Duration.ofSeconds(7);

    private final HttpServer server;
    private final Timeline timeline;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Set<String> seenKeys = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.HEALTHY;
    private final AtomicReference<KillOrder> armed = new AtomicReference<>();
    private long rateWindowSecond = -1;
    private int takenInWindow;

    private record KillOrder(int instance, Consumer<Call> killer) {
    }

    StubPancake(Timeline timeline) throws IOException {
        this.timeline = timeline;
        server = LoopbackHttpServer.start(256, this::handle);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void mode(Mode value) {
        mode = value;
        Timeline.log("Pancake stub: " + value);
    }

    /** The next new delivery (a key never seen) from {@code instance} is answered by killing it: the killer runs first. */
    void killOnNextDeliveryFrom(int instance, Consumer<Call> killer) {
        armed.set(new KillOrder(instance, killer));
    }

    boolean armedForKill() {
        return armed.get() != null;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        int instance = instanceOf(exchange.getRequestURI().getPath());
        String conversation = json.readTree(body).path("conversation_id").asText("");
        Instant at = Instant.now();
        String phase = timeline.current();
        boolean firstAttempt = key != null && seenKeys.add(key);
        KillOrder kill = armed.get();
        // Only an answer Pancake has never seen: a retry of one it already took would prove nothing.
        if (kill != null && kill.instance() == instance && firstAttempt && armed.compareAndSet(kill, null)) {
            Timeline.log("Pancake stub: delivery " + key + " from instance " + instance + " arrived; killing it");
            Call call = new Call(key, conversation, instance, at, phase, Verdict.SENDER_KILLED, body);
            calls.add(call);
            kill.killer().accept(call);
            respond(exchange, 500, "{\"success\": false}", null);
            return;
        }
        Mode now = mode;
        switch (now) {
            case HEALTHY -> {
                calls.add(new Call(key, conversation, instance, at, phase, Verdict.TAKEN, body));
                respond(exchange, 200, "{\"success\": true}", null);
            }
            case DOWN -> {
                calls.add(new Call(key, conversation, instance, at, phase, Verdict.REFUSED_500, body));
                respond(exchange, 500, "{\"error\": \"internal\"}", null);
            }
            case RATE_LIMITED -> {
                boolean take = withinRate(at);
                Verdict verdict = take ? Verdict.TAKEN : Verdict.REFUSED_429;
                calls.add(new Call(key, conversation, instance, at, phase, verdict, body));
                if (take) {
                    respond(exchange, 200, "{\"success\": true}", null);
                } else {
                    respond(exchange, 429, "{\"success\": false, \"error_code\": 4029, \"message\": \"rate limited\"}", "2");
                }
            }
            case SLOW -> {
                // Pancake has the answer the moment it arrives; the sender just never hears so in time.
                calls.add(new Call(key, conversation, instance, at, phase, Verdict.TAKEN_LATE, body));
                sleep(SLOW_ANSWER.toMillis());
                respond(exchange, 200, "{\"success\": true}", null);
            }
        }
    }

    /** One answer a second gets through; the rest are told to come back in two. */
    private synchronized boolean withinRate(Instant at) {
        long second = at.getEpochSecond();
        if (second != rateWindowSecond) {
            rateWindowSecond = second;
            takenInWindow = 0;
        }
        return takenInWindow++ < 1;
    }

    private static int instanceOf(String path) {
        // /i<n>/api/v1/actions
        if (path.startsWith("/i")) {
            int slash = path.indexOf('/', 2);
            try {
                return Integer.parseInt(path.substring(2, slash < 0 ? path.length() : slash));
            } catch (NumberFormatException notOurs) {
                return -1;
            }
        }
        return -1;
    }

    private static void respond(HttpExchange exchange, int status, String body, String retryAfter) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException senderGone) {
            // The sender timed out or was killed: what Pancake recorded stands.
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
