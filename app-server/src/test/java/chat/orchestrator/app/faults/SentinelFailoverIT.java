package chat.orchestrator.app.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.app.Fixtures;
import chat.orchestrator.app.faults.StubPancake.Call;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Redis behind Sentinel loses its master during traffic (docs/redis.md, "Redis Sentinel"): two app-server processes
 * find the master through three sentinels; customers write in bursts through the webhook and the synchronous
 * endpoint; the master is SIGKILLed while its replica is behind, so the promoted replica lacks the newest locks,
 * pending messages and fencing counters. Then, from Pancake's records and PostgreSQL, as the fault suite judges: every
 * accepted message is covered by exactly one answer Pancake took, no answer twice (nor one key with two bodies), no
 * stale one, each conversation's in commit order.
 */
class SentinelFailoverIT {
    private static final int INSTANCES = 2;
    private static final FaultScale SCALE = new FaultScale("sentinel", 12, Duration.ofMillis(500),
            Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(45), Set.of());
    /** Answers Pancake must take in a phase before the next begins: traffic is flowing, not merely started. */
    private static final int ANSWERS_PER_PHASE = 15;
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

    @Test
    void theMasterDiesWithItsReplicaBehind_eachAcceptedMessageStillGetsExactlyOneDeliveredAnswer() throws Exception {
        Instant began = Instant.now();
        Path dir = FaultSuiteIT.freshDirectory(Path.of("target", "sentinel-failover"));
        Timeline timeline = new Timeline();
        String answer = Fixtures.text("openai-response-json.json");
        String webhook = Fixtures.text("pancake-webhook-message.json");
        try (SentinelProcesses redis = SentinelProcesses.start(dir.resolve("redis"));
             PostgresProcess postgres = new PostgresProcess(dir.resolve("pgdata"), FaultSuiteIT.freePort());
             StubAi ai = new StubAi(answer);
             StubPancake pancake = new StubPancake(timeline)) {
            postgres.createDatabase(FaultSuiteIT.DATABASE);
            List<Map<String, String>> environments = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                Map<String, String> env = new HashMap<>(FaultSuiteIT.environment(i, FaultSuiteIT.freePort(), 0,
                        postgres.port(), ai.port(), pancake.port()));
                // The same instances as the fault suite's, but finding Redis through the sentinels.
                env.remove("REDIS_URL");
                env.putAll(redis.environment());
                environments.add(env);
            }
            try (ServerInstances instances = new ServerInstances(environments, dir);
                 Traffic traffic = new Traffic(instances, timeline, SCALE, webhook)) {
                instances.startAll();
                assertTrue(stateAdapter(instances).startsWith("redis sentinel, master orchestrator"),
                        "the admin status names the topology: " + stateAdapter(instances));

                timeline.begin("before", "none: traffic on the first master");
                traffic.start();
                awaitMoreAnswers(pancake, ANSWERS_PER_PHASE);
                timeline.end();

                timeline.begin("failover", "SIGKILL to the master, its replica behind; the sentinels promote it");
                timeline.faultStarts();
                long lostFrom = redis.killMasterWithTheReplicaBehind();
                redis.awaitReplicaPromoted(FAILOVER_BOUND);
                timeline.faultEnds();
                long promotedAt = redis.promotedAtOffset();
                Timeline.log("the promoted replica lacks " + (lostFrom - promotedAt) + " byte(s) of the master's "
                        + "replication stream (at least)");
                awaitMoreAnswers(pancake, ANSWERS_PER_PHASE);
                timeline.end();

                timeline.begin("after", "none: no new messages; waiting for every answer");
                Instant faultsOver = timeline.lastFaultEnd().orElseThrow();
                traffic.stopNewMessages();
                traffic.awaitDrained(SCALE.quiesceBound());
                Optional<Duration> quiesce = FaultSuiteIT.awaitQuiescence(postgres, pancake, traffic, faultsOver,
                        SCALE.quiesceBound());
                timeline.end();

                FaultReport report;
                try (Connection connection = postgres.connect(FaultSuiteIT.DATABASE)) {
                    report = new FaultReport(DeliveryAudit.read(connection, pancake.calls()), traffic.messages(),
                            timeline.phases(), pancake.calls(), traffic.refusalsByPhase(), instances.allLogs());
                }
                String table = report.table(quiesce, SCALE.quiesceBound(), Duration.between(began, Instant.now()));
                Files.writeString(dir.resolve("report.txt"), table);
                System.out.println(System.lineSeparator() + "Sentinel failover:" + System.lineSeparator() + table);

                assertTrue(lostFrom > promotedAt, "the promoted replica was behind: the master was at offset "
                        + lostFrom + ", the replica took over at " + promotedAt);
                assertTrue(report.messages > 0 && !pancake.calls().isEmpty(), "the test sent and delivered nothing");
                assertEquals(Map.of(), keysTakenWithTwoBodies(pancake.calls()), "one idempotency key, one body");
                assertTrue(report.clean() && quiesce.isPresent(), "lost, doubled, stale or out-of-order answers, or "
                        + "no quiescence (report in " + dir.resolve("report.txt") + "):" + System.lineSeparator() + table);
            }
        }
    }

    private static void awaitMoreAnswers(StubPancake pancake, int more) {
        long target = delivered(pancake) + more;
        await("Pancake takes " + more + " more answers").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> delivered(pancake) >= target);
    }

    private static long delivered(StubPancake pancake) {
        return pancake.calls().stream().filter(call -> call.verdict().delivered()).count();
    }

    /** Keys Pancake took with more than one body: the same answer re-sent with other bytes. */
    private static Map<String, Set<String>> keysTakenWithTwoBodies(List<Call> calls) {
        Map<String, Set<String>> bodies = calls.stream().filter(call -> call.verdict().delivered() && call.key() != null)
                .collect(Collectors.groupingBy(Call::key, Collectors.mapping(Call::body, Collectors.toSet())));
        bodies.values().removeIf(set -> set.size() == 1);
        return bodies;
    }

    /** What the admin status says serves locks and state, from the first instance. */
    private static String stateAdapter(ServerInstances instances) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(
                            URI.create(instances.base(0) + "/api/v1/status/handler"))
                    .header("Authorization", "Bearer admin-token").GET().build(), HttpResponse.BodyHandlers.ofString());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.body())
                    .path("adapters").path("state").asText();
        }
    }
}
