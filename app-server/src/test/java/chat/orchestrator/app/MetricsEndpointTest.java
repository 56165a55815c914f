package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a real server over Redis, PostgreSQL, an AI and Pancake, scraped after real requests: every
 * metric docs/observability.md lists is there, with the values those requests must have left. The request id of a
 * request reaches the AI and Pancake calls it leads to.
 */
class MetricsEndpointTest {
    private static RealStores stores;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stores = new RealStores();
    }

    @AfterAll
    static void stop() throws Exception {
        stores.close();
    }

    @Test
    void afterRealRequests_theScrapeHoldsEveryNamedMetricWithPlausibleValues() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(stores.environment(stores.createDatabase("metrics"), 0));
        try (Application application = Application.start(config, Tokens.from(config))) {
            String base = "http://127.0.0.1:" + application.port();
            assertEquals(200, sendMessage(base, "conv_metrics_1", "m1", "req-metrics-1").statusCode());
            assertEquals(200, sendMessage(base, "conv_metrics_1", "m1", "req-metrics-2").statusCode(), "a duplicate");
            assertEquals(200, sendMessage(base, "conv_metrics_2", "m1", "req-metrics-3").statusCode());

            // The worker stops (and its lock-held time is recorded) just after its caller has its answer.
            Map<String, Double> metrics = scrapeUntil(base, m -> m.getOrDefault("orchestrator_lock_held_seconds_count", 0.0) >= 2);

            assertEquals(2.0, metrics.get("orchestrator_messages_total{outcome=\"completed\"}"));
            assertEquals(1.0, metrics.get("orchestrator_messages_total{outcome=\"duplicate\"}"));
            assertEquals(2.0, metrics.get("orchestrator_ai_call_seconds_count{model=\"qwen2.5-7b-instruct\",result=\"answered\"}"));
            double aiSeconds = metrics.get("orchestrator_ai_call_seconds_sum{model=\"qwen2.5-7b-instruct\",result=\"answered\"}");
            assertTrue(aiSeconds > 0.004 && aiSeconds < 60, "the stub answers after 5 to 40 ms: " + aiSeconds);
            assertEquals(2.0, metrics.get(
                    "orchestrator_ai_call_seconds_bucket{model=\"qwen2.5-7b-instruct\",result=\"answered\",le=\"+Inf\"}"));
            assertTrue(metrics.get("orchestrator_lock_wait_seconds_count{result=\"acquired\"}") >= 2);
            assertEquals(2.0, metrics.get("orchestrator_lock_held_seconds_count"));
            assertEquals(2.0, metrics.get("orchestrator_consolidated_messages_count"));
            assertEquals(2.0, metrics.get("orchestrator_consolidated_messages_sum"), "one message per answer");
            assertEquals(2.0, metrics.get("orchestrator_deliveries_total{status=\"delivered\"}"));
            assertEquals(0.0, metrics.get("orchestrator_deliveries_total{status=\"dead_letter\"}"));
            assertEquals(0.0, metrics.get("orchestrator_stale_answers_total"));
            assertEquals(0.0, metrics.get("orchestrator_ai_calls_cancelled_total"));
            assertEquals(0.0, metrics.get("orchestrator_sweeper_recovered_total"));
            assertEquals(0.0, metrics.get("orchestrator_handoffs_total{by=\"ai\"}"));
            assertEquals(0.0, metrics.get("orchestrator_handoffs_total{by=\"admin\"}"));
            assertEquals(0.0, metrics.get("orchestrator_outbox_due"));
            assertEquals(0.0, metrics.get("orchestrator_dead_letters"));
            assertEquals(0.0, metrics.get("orchestrator_withheld_answers"));
            assertEquals(0.0, metrics.get("orchestrator_handoffs_lifted_total"));
            assertTrue(metrics.get("redis_pool_max") >= 1, "the Jedis pool's size");
            assertTrue(metrics.containsKey("redis_pool_active"));
            assertTrue(metrics.get("hikaricp_connections_max{pool=\"orchestrator-postgres\"}") >= 1, metrics.keySet()
                    .stream().filter(k -> k.startsWith("hikaricp")).toList().toString());
            assertTrue(metrics.containsKey("hikaricp_connections_active{pool=\"orchestrator-postgres\"}"));
            assertTrue(metrics.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")));
            assertTrue(metrics.get("process_uptime_seconds") > 0);
        }
    }

    @Test
    void theRequestId_isEchoed_andSentOnToTheAiAndPancake_aHostileOneIsReplaced() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(stores.environment(stores.createDatabase("request_ids"), 0));
        try (Application application = Application.start(config, Tokens.from(config))) {
            String base = "http://127.0.0.1:" + application.port();

            HttpResponse<String> kept = sendMessage(base, "conv_request_id_1", "m1", "req-kept-42");
            HttpResponse<String> hostile = sendMessage(base, "conv_request_id_2", "m1", "evil\" injected=\"yes");

            assertEquals(200, kept.statusCode(), kept.body());
            assertEquals("req-kept-42", kept.headers().firstValue("X-Request-Id").orElseThrow());
            assertTrue(stores.aiRequestIds.contains("req-kept-42"), stores.aiRequestIds.toString());
            assertTrue(stores.callbacks.stream().anyMatch(c -> c.body().contains("conv_request_id_1")
                    && c.requestId().equals("req-kept-42")), stores.callbacks.toString());
            String replaced = hostile.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(replaced.matches("[0-9a-f-]{36}"), "a fresh UUID instead: " + replaced);
            assertTrue(stores.aiRequestIds.contains(replaced));
            assertTrue(stores.aiRequestIds.stream().noneMatch(id -> id.contains("evil")));
        }
    }

    @Test
    void withAMetricsToken_theScrapeNeedsIt() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(Map.of("API_HOST", "127.0.0.1", "API_PORT", "0",
                "METRICS_ACCESS_TOKEN", "metrics-secret"));
        try (Application application = Application.start(config, Tokens.from(config))) {
            URI metrics = URI.create("http://127.0.0.1:" + application.port() + "/metrics");

            HttpResponse<String> none = client.send(HttpRequest.newBuilder(metrics).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(metrics)
                    .header("Authorization", "Bearer not-the-metrics-token").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> right = client.send(HttpRequest.newBuilder(metrics)
                    .header("Authorization", "Bearer metrics-secret").GET().build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(401, none.statusCode());
            assertTrue(!none.body().contains("jvm_"), "nothing of the metrics without the token");
            assertEquals(401, wrong.statusCode());
            assertEquals(200, right.statusCode());
            assertTrue(right.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            assertTrue(right.body().contains("orchestrator_stale_answers_total 0"));
        }
    }

    private HttpResponse<String> sendMessage(String base, String conversation, String message, String requestId)
            throws Exception {
        String body = "{\"conversation_id\":\"" + conversation + "\",\"message_id\":\"" + message + "\","
                + "\"message_content\":\"Tôi muốn đặt lịch khám bệnh\",\"sender_id\":\"user_1\","
                + "\"sender_type\":\"user\",\"timestamp\":1699123456.789}";
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/enhanced-handle-message"))
                .header("Authorization", "Bearer message-token").header("Content-Type", "application/json")
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Double> scrapeUntil(String base, Predicate<Map<String, Double>> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, Double> metrics = Map.of();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode(), "open without METRICS_ACCESS_TOKEN");
            metrics = parse(scrape.body());
            if (ready.test(metrics)) {
                return metrics;
            }
            Thread.sleep(20);
        }
        return fail("metrics not as expected in time: " + metrics);
    }

    /** Prometheus text format: {@code name{labels} value} per sample, comments skipped. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : List.of(text.split("\n"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
