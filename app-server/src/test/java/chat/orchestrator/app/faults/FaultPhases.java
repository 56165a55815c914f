package chat.orchestrator.app.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The faults, one phase each, run back to back while the traffic goes on: each phase starts its fault, holds it,
 * ends it, and lets the system run a little before the next. Independent of one another except through what a
 * fault leaves behind, which the next phase's traffic meets, as it would in production.
 */
final class FaultPhases {
    /** The instance the delivery kill aims at, and the one the AI kill aims at. */
    private static final int DELIVERY_VICTIM = 1;
    private static final int AI_VICTIM = 2;
    /** How often the eviction phase deletes a pending message's body. */
    private static final Duration EVICTION_PERIOD = Duration.ofMillis(200);

    private final FaultScale scale;
    private final Timeline timeline;
    private final ServerInstances instances;
    private final RedisProcess redis;
    private final PostgresProcess postgres;
    private final StubPancake pancake;
    private final StubAi ai;
    private final Traffic traffic;

    FaultPhases(FaultScale scale, Timeline timeline, ServerInstances instances, RedisProcess redis,
                PostgresProcess postgres, StubPancake pancake, StubAi ai, Traffic traffic) {
        this.traffic = traffic;
        this.scale = scale;
        this.timeline = timeline;
        this.instances = instances;
        this.redis = redis;
        this.postgres = postgres;
        this.pancake = pancake;
        this.ai = ai;
    }

    void runAll() throws Exception {
        phase("baseline", "none: traffic only", () -> pause(scale.phase().dividedBy(2)));
        phase("pancake-429", "Pancake answers 429 with Retry-After: 2 beyond one answer a second", () -> {
            pancakeMode(StubPancake.Mode.RATE_LIMITED, scale.phase());
        });
        phase("pancake-slow", "Pancake takes each answer but responds after " + StubPancake.SLOW_ANSWER.toSeconds()
                + " s, past the sender's timeout", () -> pancakeMode(StubPancake.Mode.SLOW, scale.phase()));
        phase("kill-in-delivery", "instance " + DELIVERY_VICTIM + " SIGKILLed while Pancake receives its delivery"
                + " (not taken), then restarted", this::killDuringDelivery);
        phase("kill-in-slow-ai", "AI slow (" + StubAi.SLOW_CALL.toSeconds() + " s a call); instance " + AI_VICTIM
                + " SIGKILLed in the middle of one, then restarted", this::killDuringSlowAi);
        phase("redis-hung", "Redis SIGSTOPped for " + scale.redisHung().toSeconds() + " s (lease "
                + FaultScale.LOCK_TTL.toSeconds() + " s), then SIGCONT", () -> {
            timeline.faultStarts();
            redis.hang();
            pause(scale.redisHung());
            redis.resume();
            timeline.faultEnds();
            pause(Duration.ofSeconds(5));
        });
        phase("redis-empty", "Redis SIGKILLed, started again empty on the same port 2 s later", () -> {
            timeline.faultStarts();
            redis.restartEmpty(Duration.ofSeconds(2));
            timeline.faultEnds();
            pause(scale.phase());
        });
        phase("redis-empty-mid-burst", "a new conversation's first message accepted and its AI call held; Redis"
                + " SIGKILLed, started again empty 1 s later; its second message sent, then the call let go",
                this::redisEmptyMidBurst);
        phase("redis-body-evicted", "every " + EVICTION_PERIOD.toMillis() + " ms for " + scale.phase().toSeconds()
                + " s, one pending message's body deleted (HDEL), as eviction would", this::evictBodies);
        phase("postgres-restart", "PostgreSQL stopped (fast), started again on the same data 5 s later", () -> {
            timeline.faultStarts();
            postgres.restart(Duration.ofSeconds(5));
            timeline.faultEnds();
            pause(scale.phase());
        });
        phase("pancake-down", "Pancake answers HTTP 500 for " + scale.pancakeDown().toSeconds() + " s",
                () -> pancakeMode(StubPancake.Mode.DOWN, scale.pancakeDown()));
    }

    private interface Body {
        void run() throws Exception;
    }

    private void phase(String name, String fault, Body body) throws Exception {
        if (!scale.runs(name)) {
            return;
        }
        timeline.begin(name, fault);
        try {
            body.run();
        } finally {
            timeline.end();
        }
    }

    private void pancakeMode(StubPancake.Mode mode, Duration length) throws InterruptedException {
        timeline.faultStarts();
        pancake.mode(mode);
        pause(length);
        pancake.mode(StubPancake.Mode.HEALTHY);
        timeline.faultEnds();
    }

    private void killDuringDelivery() throws Exception {
        timeline.faultStarts();
        CompletableFuture<StubPancake.Call> killed = new CompletableFuture<>();
        pancake.killOnNextDeliveryFrom(DELIVERY_VICTIM, call -> {
            instances.kill(call.instance());
            killed.complete(call);
        });
        try {
            // The customer writes again at once: a newer answer now races the recovery of the one that was cut off,
            // and must not reach Pancake before it.
            traffic.sendOneMore(killed.get(30, TimeUnit.SECONDS).conversationId());
        } catch (TimeoutException noDelivery) {
            Timeline.log("no delivery from instance " + DELIVERY_VICTIM + " in 30 s: killing it anyway");
            pancake.killOnNextDeliveryFrom(-1, call -> { });
            instances.kill(DELIVERY_VICTIM);
        }
        instances.restart(DELIVERY_VICTIM);
        timeline.faultEnds();
        pause(scale.phase().dividedBy(2));
    }

    private void killDuringSlowAi() throws Exception {
        timeline.faultStarts();
        ai.slow(true);
        StubAi.Hold hold = ai.holdNextCallFrom(AI_VICTIM);
        try {
            hold.arrived().get(30, TimeUnit.SECONDS);
            // In the middle of the call: the holder is renewing its lease and waiting.
            pause(StubAi.SLOW_CALL.dividedBy(2));
        } catch (TimeoutException noCall) {
            Timeline.log("no AI call from instance " + AI_VICTIM + " in 30 s: killing it anyway");
        }
        instances.kill(AI_VICTIM);
        hold.release().countDown();
        instances.restart(AI_VICTIM);
        pause(scale.phase().dividedBy(2));
        ai.slow(false);
        timeline.faultEnds();
    }

    /**
     * Redis comes back empty between two messages of one burst: the first was accepted (recorded in PostgreSQL,
     * pending in Redis) and its answer is being made, its AI call held so it cannot finish first; Redis loses
     * everything; then the second message arrives. Its holder must answer both, in order, in one answer: answering
     * the second alone sends it ahead of the first, which history answers later (the bug of issue 19, 9.8 s apart).
     * The audit checks it through {@link Traffic.Message#answerAfter}.
     */
    private void redisEmptyMidBurst() throws Exception {
        timeline.faultStarts();
        // A conversation of its own, so no burst of the traffic's has its first message pending or answered.
        String conversation = "105230123456789_fe" + System.currentTimeMillis();
        StubAi.Hold hold = ai.holdNextCallMentioning(conversation + "-m0");
        Traffic.Message first = traffic.sendNow(conversation, conversation + "-m0");
        try {
            hold.arrived().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException noCall) {
            // Still pending in Redis, most likely (a 2xx means recorded): the restart below loses it all the same.
            Timeline.log("no AI call for " + first.messageId + " in 30 s (accepted: " + first.accepted + ")");
        }
        redis.restartEmpty(Duration.ofSeconds(1));
        Traffic.Message second = traffic.sendNow(conversation, conversation + "-m1");
        if (first.accepted) {
            second.answerAfter = first;
        } else {
            Timeline.log("first message " + first.messageId + " never accepted: the order check has nothing to judge");
        }
        // The first holder's call ends only now, after the second message is in: its answer, if it gets as far as
        // committing, must lose to the newer holder's (its lease went with Redis).
        pause(Duration.ofSeconds(2));
        hold.release().countDown();
        timeline.faultEnds();
        pause(scale.phase().dividedBy(2));
    }

    /**
     * Redis evicts a message's body (maxmemory with an eviction policy, or a failover that lost a write): the id stays
     * pending, its body is gone. Every few hundred milliseconds one pending id's field of its conversation's bodies
     * hash is deleted, while the traffic runs. The message must still be answered once (the worker reads it from
     * history), and the bodiless id must not keep the conversation locked or pending forever (the audit's lost count
     * and the quiescence wait see both). A phase that deletes nothing tested nothing, and fails.
     */
    private void evictBodies() throws Exception {
        timeline.faultStarts();
        int evicted = 0;
        long deadline = System.nanoTime() + scale.phase().toNanos();
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            while (System.nanoTime() < deadline) {
                if (evictOneBody(jedis)) {
                    evicted++;
                }
                pause(EVICTION_PERIOD);
            }
        }
        Timeline.log("deleted " + evicted + " pending message bodies");
        timeline.faultEnds();
        if (evicted == 0) {
            throw new IllegalStateException("redis-body-evicted: no pending message had a body to delete");
        }
        pause(scale.phase().dividedBy(2));
    }

    /** Deletes the body of one pending message, of a conversation picked at random among those with one. */
    private static boolean evictOneBody(Jedis jedis) {
        List<String> bodies = new ArrayList<>();
        ScanParams match = new ScanParams().match(RedisKeysPattern.BODIES).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, match);
            bodies.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        Collections.shuffle(bodies);
        for (String key : bodies) {
            String pending = key.substring(0, key.length() - "bodies".length()) + "pending";
            for (String id : jedis.zrange(pending, 0, -1)) {
                if (jedis.hdel(key, id) == 1) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The key names of adapter-redis's RedisKeys, with the default prefix the instances use. */
    private static final class RedisKeysPattern {
        /** {@code <prefix>:conv:{<conversation id, base64url>}:bodies}: hash of message id to message. */
        static final String BODIES = "orchestrator:conv:{*}:bodies";
    }

    static void pause(Duration length) throws InterruptedException {
        Thread.sleep(length.toMillis());
    }
}
