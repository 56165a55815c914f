package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MAX_CONCURRENT_REQUESTS, RATE_LIMIT_PER_SECOND and readiness on shutdown, on a real server. */
class LoadLimitsTest {
    private static final String PATH = "/api/v1/enhanced-handle-message";
    private RunningApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static String message(String conversation, String id) {
        return "{\"conversation_id\":\"" + conversation + "\",\"message_id\":\"" + id + "\",\"message_content\":\"Tôi muốn"
                + " đặt lịch khám bệnh\",\"sender_id\":\"user_123\",\"sender_type\":\"user\",\"timestamp\":1699123456.789}";
    }

    @Test
    void beyondTheConcurrencyLimit_aRequestGets503WithRetryAfter_andOnceTheyFinishRequestsPassAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothInTheAi = new CountDownLatch(2);
        RuleBasedResponder rules = new RuleBasedResponder();
        AiPort slowAi = (ConversationContext context) -> {
            bothInTheAi.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return rules.answer(context);
        };
        api = new RunningApi(slowAi, new ServerLimits(2, 0));
        List<CompletableFuture<RunningApi.Reply>> held = List.of(
                CompletableFuture.supplyAsync(() -> api.post(PATH, message("conv_a", "msg_a"))),
                CompletableFuture.supplyAsync(() -> api.post(PATH, message("conv_b", "msg_b"))));
        assertTrue(bothInTheAi.await(30, TimeUnit.SECONDS), "both requests reached the AI");

        RunningApi.Reply refused = api.send(api.request("/health/live").GET().build());

        assertEquals(503, refused.status());
        assertEquals(Optional.of("5"), refused.raw().headers().firstValue("Retry-After"));
        assertEquals("temporarily_unavailable", refused.json().get("error").get("code").asText());
        release.countDown();
        for (CompletableFuture<RunningApi.Reply> reply : held) {
            assertEquals(200, reply.get(30, TimeUnit.SECONDS).status());
        }
        assertEquals(200, api.send(api.request("/health/live").GET().build()).status());
    }

    @Test
    void beyondTheRateLimit_aMessageGets429WithRetryAfter_isNotStored_andIsTakenLater() throws Exception {
        api = new RunningApi(new RuleBasedResponder(), new ServerLimits(0, 3));
        RunningApi.Reply limited = null;
        String limitedId = null;
        for (int i = 0; i < 200 && limited == null; i++) {
            RunningApi.Reply reply = api.post(PATH, message("conv_rate", "msg_" + i));
            if (reply.status() == 429) {
                limited = reply;
                limitedId = "msg_" + i;
            } else {
                assertEquals(200, reply.status(), reply.json().toString());
            }
        }

        assertTrue(limited != null, "no request was rate limited");
        assertEquals(Optional.of("1"), limited.raw().headers().firstValue("Retry-After"));
        assertEquals("rate_limited", limited.json().get("error").get("code").asText());
        assertEquals(200, api.send(api.request("/health/live").GET().build()).status(), "health is never rate limited");
        RunningApi.Reply later = retryWhileLimited(message("conv_rate", limitedId));
        assertEquals("completed", later.json().get("result").get("status").asText(),
                "the refused message was not stored, so it is new when sent again");
    }

    private RunningApi.Reply retryWhileLimited(String body) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            RunningApi.Reply reply = api.post(PATH, body);
            if (reply.status() != 429) {
                return reply;
            }
            Thread.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("still rate limited after 10 s");
    }

    @Test
    void onceDraining_readinessIs503_whileLivenessAndTheMessageEndpointsStillWork() {
        api = new RunningApi(new RuleBasedResponder(), ServerLimits.NONE);
        assertEquals(200, api.send(api.request("/health/ready").GET().build()).status());

        api.server.drain();

        RunningApi.Reply ready = api.send(api.request("/health/ready").GET().build());
        assertEquals(503, ready.status());
        assertEquals("shutting_down", ready.json().get("status").asText());
        assertEquals(200, api.send(api.request("/health/live").GET().build()).status());
        assertEquals(200, api.post(PATH, message("conv_drain", "msg_drain")).status());
    }
}
