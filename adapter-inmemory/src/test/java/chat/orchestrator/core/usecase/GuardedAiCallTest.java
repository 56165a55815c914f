package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.StatePort;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The guard around the AI call: the lease is renewed while the AI runs, proven still ours once it answers, and the
 * call ends as soon as the lease is lost or (where configured) a newer message makes the answer stale.
 */
class GuardedAiCallTest {
    private final WorkerRig rig = new WorkerRig();
    private final ReportingLocks locks = new ReportingLocks(rig.locks);
    private final ConversationId conversation = newConversation();
    private final InboundMessage first = rig.arrive(message(conversation, "m1", 0, "hello"));
    private final Lease lease = locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    private final ConversationContext context = new ConversationContext(conversation, List.of(), List.of(first));
    private final Set<MessageId> known = Set.of(first.id());

    @Test
    void aSlowAi_keepsItsLease_becauseTheGuardRenewsItWhileTheCallRuns() throws Exception {
        GatedAi ai = new GatedAi();
        // Each poll of the guard ends by reading the pending ids: a poll seen after a renewal has set the next one.
        Semaphore polled = new Semaphore(0);
        StatePort watched = (StatePort) Proxy.newProxyInstance(StatePort.class.getClassLoader(),
                new Class<?>[] {StatePort.class}, (self, method, args) -> {
                    Object answer = method.invoke(rig.state, args);
                    if (method.getName().equals("pendingIds")) {
                        polled.release();
                    }
                    return answer;
                });
        CompletableFuture<AiCallResult> result = callAsync(ai, true, watched);
        ai.awaitCall();

        // Two thirds of the TTL pass twice: without renewals the lease would be gone after the second.
        for (int step = 0; step < 2; step++) {
            rig.clock.advance(WorkerRig.TTL.multipliedBy(2).dividedBy(3));
            awaitSuccessfulRenewal();
            polled.drainPermits();
            assertTrue(polled.tryAcquire(10, TimeUnit.SECONDS), "the guard polled again after renewing");
        }
        ai.answer();

        assertInstanceOf(AiCallResult.Answered.class, result.get(10, TimeUnit.SECONDS));
        assertTrue(rig.locks.inspect(conversation).isPresent(), "still held after more than one TTL");
    }

    @Test
    void anAnswerThatCameAfterTheLeaseWasLost_isNotUsed() throws Exception {
        AiPort slowThenAnswers = ctx -> {
            // The AI took two TTLs, and another instance took the conversation meanwhile.
            rig.clock.advance(WorkerRig.TTL.multipliedBy(2));
            rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
            return WorkerRig.echo(ctx);
        };
        // A poll longer than any test: the answer is read the moment it comes, never after a renewal in between.
        GuardedAiCall call = new GuardedAiCall(slowThenAnswers, locks, rig.state, rig.scheduler,
                WorkerRig.SETTINGS.withPollInterval(Duration.ofMinutes(5)), new AiRefusals(rig.clock));

        AiCallResult result = call.call(lease, context, known);

        assertInstanceOf(AiCallResult.LeaseLost.class, result);
        assertEquals(1, locks.renewals.get(), "the lease was checked once the AI answered");
    }

    @Test
    void aLeaseLostWhileTheAiRuns_endsTheCallAtTheNextRenewal() throws Exception {
        GatedAi ai = new GatedAi();
        CompletableFuture<AiCallResult> result = callAsync(ai, false);
        ai.awaitCall();

        rig.clock.advance(WorkerRig.TTL.multipliedBy(2));
        rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();

        assertInstanceOf(AiCallResult.LeaseLost.class, result.get(10, TimeUnit.SECONDS));
        ai.answer();
    }

    @Test
    void aNewerMessage_cancelsTheCall_whenSoConfigured() throws Exception {
        GatedAi ai = new GatedAi();
        CompletableFuture<AiCallResult> result = callAsync(ai, true);
        ai.awaitCall();

        rig.arrive(message(conversation, "m2", 1_000, "one more thing"));

        assertInstanceOf(AiCallResult.CancelledByNewerMessage.class, result.get(10, TimeUnit.SECONDS));
        ai.answer();
    }

    @Test
    void aNewerMessage_doesNotCancelTheCall_whenNotConfigured() throws Exception {
        GatedAi ai = new GatedAi();
        CompletableFuture<AiCallResult> result = callAsync(ai, false);
        ai.awaitCall();
        rig.arrive(message(conversation, "m2", 1_000, "one more thing"));
        // Polls go on (each renewal is one) and none cancels the call.
        rig.clock.advance(WorkerRig.TTL.multipliedBy(2).dividedBy(3));
        awaitSuccessfulRenewal();

        ai.answer();

        assertInstanceOf(AiCallResult.Answered.class, result.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAiFailure_isReportedWithItsReason() throws Exception {
        AiCallResult unavailable = guarded(ctx -> {
            throw new AiUnavailableException("model overloaded");
        }).call(lease, context, known);
        AiCallResult nameless = guarded(ctx -> {
            throw new IllegalStateException();
        }).call(lease, context, known);

        assertEquals(new AiCallResult.Failed("model overloaded"), unavailable);
        assertEquals(new AiCallResult.Failed("IllegalStateException"), nameless);
    }

    @Test
    void anAiThatThrowsAnError_isABug_notAnAiFailure() {
        GuardedAiCall call = guarded(ctx -> {
            throw new AssertionError("adapter bug");
        });

        IllegalStateException bug = assertThrows(IllegalStateException.class, () -> call.call(lease, context, known));
        assertInstanceOf(AssertionError.class, bug.getCause());
    }

    @Test
    void theAnswer_carriesTheTimeTheCallTook() throws Exception {
        long before = System.nanoTime();
        AiCallResult result = guarded(WorkerRig::echo).call(lease, context, known);
        Duration around = Duration.ofNanos(System.nanoTime() - before);

        AiCallResult.Answered answered = assertInstanceOf(AiCallResult.Answered.class, result);
        assertTrue(answered.reply().processingTime().compareTo(Duration.ZERO) > 0);
        assertTrue(answered.reply().processingTime().compareTo(around) <= 0, "measured within the call");
        assertEquals("answer to [m1]", answered.reply().text());
    }

    private void awaitSuccessfulRenewal() throws InterruptedException {
        locks.awaitRenewal();
        assertTrue(rig.locks.inspect(conversation).map(l -> l.ownerToken().equals(lease.ownerToken())).orElse(false),
                "renewed by its owner");
    }

    private GuardedAiCall guarded(AiPort ai) {
        return new GuardedAiCall(ai, locks, rig.state, rig.scheduler, WorkerRig.SETTINGS, new AiRefusals(rig.clock));
    }

    private CompletableFuture<AiCallResult> callAsync(AiPort ai, boolean cancelOnNewer) {
        return callAsync(ai, cancelOnNewer, rig.state);
    }

    private CompletableFuture<AiCallResult> callAsync(AiPort ai, boolean cancelOnNewer, StatePort state) {
        GuardedAiCall call = new GuardedAiCall(ai, locks, state, rig.scheduler,
                WorkerRig.SETTINGS.withCancelOnNewerMessage(cancelOnNewer), new AiRefusals(rig.clock));
        CompletableFuture<AiCallResult> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(call.call(lease, context, known));
            } catch (Throwable failed) {
                result.completeExceptionally(failed);
            }
        });
        return result;
    }
}
