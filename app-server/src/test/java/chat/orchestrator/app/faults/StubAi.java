package chat.orchestrator.app.faults;

import chat.orchestrator.app.LoopbackHttpServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenAI-compatible AI ({@code /i<n>/v1/chat/completions}, each instance under its own prefix) answering the
 * fixture after 20 to 200 ms, so bursts meet running calls and some answers go stale. Switchable to slow (every call
 * takes {@link #SLOW_CALL}, longer than a third of the lease, so holders renew while they wait); armed, it holds the
 * next call of one instance until released, so the suite can kill that instance in the middle of it, or the next call
 * that mentions a message id, so a fault can strike while that message's answer is being made.
 */
final class StubAi implements AutoCloseable {
    /** Longer than a third of the 10 s lease (the renewal period), shorter than the lease. */
    static final Duration SLOW_CALL = Duration.ofSeconds(6);

    private final HttpServer server;
    private final String answer;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean slow;
    private final AtomicReference<Hold> hold = new AtomicReference<>();

    /**
     * A call held open: {@code arrived} completes when it comes, {@code release} lets it answer. It is the next call
     * from {@code instance} (any if negative) whose request contains {@code mentions} (any if null).
     */
    record Hold(int instance, String mentions, CompletableFuture<Void> arrived, CountDownLatch release) {
        boolean matches(String path, String request) {
            return (instance < 0 || path.startsWith("/i" + instance + "/"))
                    && (mentions == null || request.contains(mentions));
        }
    }

    StubAi(String answer) throws IOException {
        this.answer = answer;
        server = LoopbackHttpServer.start(256, this::handle);
    }

    int port() {
        return server.getAddress().getPort();
    }

    int calls() {
        return calls.get();
    }

    void slow(boolean value) {
        slow = value;
        Timeline.log("AI stub: " + (value ? "slow (" + SLOW_CALL.toMillis() + " ms a call)" : "normal"));
    }

    /** Holds the next call from {@code instance} until {@link Hold#release()} counts down. */
    Hold holdNextCallFrom(int instance) {
        Hold armed = new Hold(instance, null, new CompletableFuture<>(), new CountDownLatch(1));
        hold.set(armed);
        return armed;
    }

    /**
     * Holds the next call, from any instance, whose request contains {@code text} (a message id: the traffic puts it
     * in the message's text) until {@link Hold#release()} counts down.
     */
    Hold holdNextCallMentioning(String text) {
        Hold armed = new Hold(-1, text, new CompletableFuture<>(), new CountDownLatch(1));
        hold.set(armed);
        return armed;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        calls.incrementAndGet();
        Hold armed = hold.get();
        if (armed != null && armed.matches(exchange.getRequestURI().getPath(), request)
                && hold.compareAndSet(armed, null)) {
            armed.arrived().complete(null);
            try {
                armed.release().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            StubPancake.sleep(slow ? SLOW_CALL.toMillis() : ThreadLocalRandom.current().nextLong(20, 200));
        }
        try {
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException callerGone) {
            // Killed or cancelled meanwhile.
        }
    }

    @Override
    public void close() {
        Hold armed = hold.getAndSet(null);
        if (armed != null) {
            armed.release().countDown();
        }
        server.stop(0);
    }
}
