package chat.orchestrator.app.faults;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The faults, one phase each, run back to back while the traffic goes on: each phase starts its fault, holds it,
 * ends it, and lets the system run a little before the next. Independent of one another except through what a
 * fault leaves behind, which the next phase's traffic meets, as it would in production.
 */
final class FaultPhases {
    /** The instance the delivery kill aims at, and the one the AI kill aims at. */
    private static final int DELIVERY_VICTIM = 1;
    private static final int AI_VICTIM = 2;

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

    static void pause(Duration length) throws InterruptedException {
        Thread.sleep(length.toMillis());
    }
}
