package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A harness run by hand (docs/security.md has the command and the figures), never a test: the cost of parsing the
 * pathological history markups, then the latency of {@code /health/live} while eight such requests run at once
 * against a real server. Timings are printed, never asserted.
 */
public final class HistoryMarkupBenchmark {
    private HistoryMarkupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        parse("<BOT> x 12,000 (60 KB)", "<BOT>".repeat(12_000));
        parse("<USER>a</USER>, 3,000 spaces, x", "<USER>a</USER>" + " ".repeat(3_000) + "x");
        parse("200 ordinary turns", "<USER>hello there</USER><br><BOT>hi, how can I help?</BOT><br>".repeat(100));
        healthWhileEightRun();
    }

    private static void parse(String name, String markup) {
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            String outcome;
            try {
                outcome = "parsed, " + HistoryMarkup.parse(markup).size() + " turns";
            } catch (InvalidInputException refused) {
                outcome = "refused (422)";
            } catch (StackOverflowError overflow) {
                outcome = "StackOverflowError (500)";
            }
            System.out.printf("parse %-34s round %d: %9.2f ms  %s%n", name, round, (System.nanoTime() - start) / 1e6, outcome);
        }
    }

    private static void healthWhileEightRun() throws Exception {
        try (RunningApi api = new RunningApi(new RuleBasedResponder(), false, 64 * 1024, Duration.ofSeconds(20))) {
            HttpClient client = HttpClient.newHttpClient();
            String body = "{\"conversation_id\":\"c\",\"history\":\"" + "<BOT>".repeat(12_000) + "\"}";
            List<CompletableFuture<HttpResponse<String>>> hostile = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                hostile.add(client.sendAsync(api.request("/api/v1/chat/message")
                        .header("Authorization", "Bearer " + RunningApi.TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            long healthStart = System.nanoTime();
            int health = client.send(api.request("/health/live").GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            long healthMs = (System.nanoTime() - healthStart) / 1_000_000;
            List<Integer> statuses = hostile.stream().map(f -> f.join().statusCode()).toList();
            System.out.printf("8 concurrent <BOT> x 12,000 requests: all answered in %d ms, statuses %s; /health/live %d in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000, statuses, health, healthMs);
        }
    }
}
