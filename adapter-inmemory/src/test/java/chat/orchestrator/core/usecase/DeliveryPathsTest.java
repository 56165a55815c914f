package chat.orchestrator.core.usecase;

import chat.orchestrator.core.port.LifecycleEvents;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.inmemory.LoggingPancake;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's paths no scenario reaches: a holder's answer queued behind an older one that fails or is being
 * sent, a Pancake adapter that throws, backoff growing per attempt, and a dispatcher that is busy or closed.
 */
class DeliveryPathsTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final List<Delivery> sent = new CopyOnWriteArrayList<>();

    @Test
    void aHoldersAnswerBehindAnOlderOneThatFails_staysQueued_andIsReportedPending() throws Exception {
        RunId older = stored("m1");
        RunId own = stored("m2");
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            sent.add(delivery);
            return delivery.runId().equals(older) ? OutboxDispatcher.pending(delivery.actions(), "503")
                    : new LoggingPancake().deliver(delivery);
        });

        DeliveryReport report = dispatcher.deliverOwn(conversation, own, reply("m2").actions());

        assertFalse(report.allDelivered());
        assertEquals("queued behind an earlier answer that is not delivered yet", report.firstError());
        assertEquals(List.of(older), sent.stream().map(Delivery::runId).toList(), "the own answer was not sent");
    }

    @Test
    void aHoldersAnswerBehindAnOlderOneThatIsDelivered_goesOutAfterIt() throws Exception {
        RunId older = stored("m1");
        RunId own = stored("m2");
        OutboxDispatcher dispatcher = dispatcher(this::deliverAll);

        DeliveryReport report = dispatcher.deliverOwn(conversation, own, reply("m2").actions());

        assertTrue(report.allDelivered());
        assertEquals(List.of(older, own), sent.stream().map(Delivery::runId).toList());
    }

    /**
     * A holder delivers at most eleven earlier answers of its conversation before its own (the limit, then one more
     * claim), so a long backlog cannot hold its caller for ever: the rest, its own answer included, is left to the
     * dispatchers, in order.
     */
    @Test
    void aHoldersAnswerBehindALongBacklog_deliversElevenOfIt_andLeavesItsOwnQueued() throws Exception {
        List<RunId> backlog = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            backlog.add(stored("m" + i));
        }
        RunId own = stored("own");

        DeliveryReport report = dispatcher(this::deliverAll).deliverOwn(conversation, own, reply("own").actions());

        assertFalse(report.allDelivered());
        assertEquals("queued behind earlier answers", report.firstError());
        assertEquals(backlog.subList(0, 11), sent.stream().map(Delivery::runId).toList());
    }

    @Test
    void aHoldersAnswerBehindOneAnotherInstanceIsSending_isLeftToTheDispatchers() throws Exception {
        stored("m1");
        RunId own = stored("m2");
        rig.history.outbox().claimNext(conversation, Duration.ofMinutes(1)).orElseThrow();

        DeliveryReport report = dispatcher(this::deliverAll).deliverOwn(conversation, own, reply("m2").actions());

        assertFalse(report.allDelivered());
        assertTrue(report.firstError().startsWith("queued: an earlier answer"), report.firstError());
        assertTrue(sent.isEmpty());
    }

    @Test
    void aPancakeAdapterThatThrows_isAFailureThatMayPass_soTheAnswerBacksOff() throws Exception {
        RunId run = stored("m1");
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            throw new IllegalStateException("adapter bug");
        });

        DeliveryReport report = dispatcher.deliverOwn(conversation, run, reply("m1").actions());

        assertFalse(report.allDelivered());
        UndeliveredAnswer pending = rig.history.outbox().list(DeliveryState.PENDING, 1).getFirst();
        assertEquals(1, pending.attempts());
        assertTrue(pending.lastError().contains("adapter bug"), pending.lastError());
    }

    /**
     * Issue 19, hole 3: the public-API client sends action by action and skips what an earlier attempt delivered.
     * An attempt that throws tells nothing of what it sent, so its report must keep what the store already knew
     * was delivered; reported all pending, the next attempt would send action 0 to the customer a second time.
     */
    @Test
    void anAttemptThatThrows_afterOneThatDeliveredPartOfTheAnswer_doesNotSendThatPartAgain() throws Exception {
        AiReply twoActions = chat.orchestrator.core.contract.TestMessages.reply("Dạ còn ạ");
        RunId run = stored("m1", twoActions);
        List<Integer> sentActions = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            int call = calls.incrementAndGet();
            if (call == 2) {
                throw new IllegalStateException("connection reset before action 1");
            }
            List<DeliveryReport.ActionDelivery> report = new java.util.ArrayList<>();
            for (int i = 0; i < delivery.actions().size(); i++) {
                var type = delivery.actions().get(i).type();
                if (delivery.deliveredActions().contains(i)) {
                    report.add(new DeliveryReport.ActionDelivery(i, type, DeliveryReport.Status.DELIVERED, 0, ""));
                } else if (call == 1 && i > 0) {
                    report.add(new DeliveryReport.ActionDelivery(i, type, DeliveryReport.Status.PENDING, 1, "HTTP 503"));
                } else {
                    sentActions.add(i);
                    report.add(new DeliveryReport.ActionDelivery(i, type, DeliveryReport.Status.DELIVERED, 1, ""));
                }
            }
            return new DeliveryReport(report);
        });
        Duration pastAnyBackoff = WorkerRig.SETTINGS.delivery().maxBackoff().plusSeconds(1);
        List<DeliveryReport.Status> afterThrow;
        try (dispatcher) {
            dispatcher.deliverOwn(conversation, run, twoActions.actions());
            rig.clock.advance(pastAnyBackoff);
            afterThrow = dispatcher.deliverOwn(conversation, run, twoActions.actions()).actions().stream()
                    .map(DeliveryReport.ActionDelivery::status).toList();
            rig.clock.advance(pastAnyBackoff);
            assertTrue(dispatcher.deliverOwn(conversation, run, twoActions.actions()).allDelivered());
        }

        assertEquals(List.of(DeliveryReport.Status.DELIVERED, DeliveryReport.Status.PENDING), afterThrow,
                "the failed attempt reports what earlier ones delivered");
        assertEquals(3, calls.get());
        assertEquals(List.of(0, 1), sentActions, "each action reached Pancake once");
        assertEquals(0, rig.history.outbox().count(DeliveryState.PENDING));
    }

    /** The same for an attempt cut short by a shutdown: it reports nothing it could vouch for, and loses nothing. */
    @Test
    void anAttemptInterruptedByAShutdown_afterOneThatDeliveredPartOfTheAnswer_doesNotSendThatPartAgain()
            throws Exception {
        AiReply twoActions = chat.orchestrator.core.contract.TestMessages.reply("Dạ còn ạ");
        RunId run = stored("m1", twoActions);
        List<Integer> sentActions = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Semaphore inSecondCall = new Semaphore(0);
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            int call = calls.incrementAndGet();
            if (call == 2) {
                inSecondCall.release();
                try {
                    new CountDownLatch(1).await(); // Pancake does not answer before the shutdown
                } catch (InterruptedException shutdown) {
                    Thread.currentThread().interrupt();
                }
                return OutboxDispatcher.pending(delivery.actions(), "interrupted");
            }
            List<DeliveryReport.ActionDelivery> report = new java.util.ArrayList<>();
            for (int i = 0; i < delivery.actions().size(); i++) {
                var type = delivery.actions().get(i).type();
                boolean send = !delivery.deliveredActions().contains(i) && (call > 1 || i == 0);
                if (send) {
                    sentActions.add(i);
                }
                report.add(new DeliveryReport.ActionDelivery(i, type, send || delivery.deliveredActions().contains(i)
                        ? DeliveryReport.Status.DELIVERED : DeliveryReport.Status.PENDING, send ? 1 : 0, ""));
            }
            return new DeliveryReport(report);
        });
        try (dispatcher) {
            dispatcher.deliverOwn(conversation, run, twoActions.actions());
            rig.clock.advance(WorkerRig.SETTINGS.delivery().maxBackoff().plusSeconds(1));
            java.util.concurrent.CompletableFuture<Throwable> cutShort = new java.util.concurrent.CompletableFuture<>();
            Thread holder = Thread.ofVirtual().start(() -> {
                try {
                    dispatcher.deliverOwn(conversation, run, twoActions.actions());
                    cutShort.complete(null);
                } catch (Throwable thrown) {
                    cutShort.complete(thrown);
                }
            });
            assertTrue(inSecondCall.tryAcquire(10, TimeUnit.SECONDS));
            holder.interrupt();
            assertTrue(cutShort.get(10, TimeUnit.SECONDS) instanceof InterruptedException);

            assertTrue(dispatcher.deliverOwn(conversation, run, twoActions.actions()).allDelivered(),
                    "due again at once");
        }

        assertEquals(3, calls.get());
        assertEquals(List.of(0, 1), sentActions, "each action reached Pancake once");
    }

    /**
     * Hole 7: during a shutdown, a holder interrupted while its send is under way waits for the send until the
     * shutdown's deadline and records how it really went; an interrupt outside a shutdown cuts it at once.
     */
    @Test
    void aShutdownLetsASendUnderWayFinish_beforeItsDeadline() throws Exception {
        AiReply twoActions = chat.orchestrator.core.contract.TestMessages.reply("Dạ còn ạ");
        RunId run = stored("m1", twoActions);
        Semaphore sending = new Semaphore(0);
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            sending.release();
            sleepThroughInterrupts(Duration.ofMillis(300));
            return deliverAll(delivery);
        });
        try (dispatcher) {
            dispatcher.sendUntil(rig.scheduler.nanoTime() + Duration.ofSeconds(10).toNanos());
            java.util.concurrent.CompletableFuture<Throwable> ended = interruptedWhileSending(dispatcher, run,
                    twoActions, sending);

            assertTrue(ended.get(10, TimeUnit.SECONDS) instanceof InterruptedException, "the interrupt passed on");
        }
        assertEquals(1, rig.history.outbox().count(chat.orchestrator.core.port.DeliveryState.DELIVERED),
                "recorded as it went: delivered");
        assertEquals(1, sent.size());
    }

    /**
     * A send still under way at the shutdown's deadline is cut, and what its adapter says on being cut is kept: the
     * action it had delivered is not sent again, only the one it had not.
     */
    @Test
    void aSendCutAtTheShutdownsDeadline_keepsWhatItsAdapterHadDelivered() throws Exception {
        AiReply twoActions = chat.orchestrator.core.contract.TestMessages.reply("Dạ còn ạ");
        RunId run = stored("m1", twoActions);
        List<Integer> sentActions = new CopyOnWriteArrayList<>();
        Semaphore sending = new Semaphore(0);
        java.util.concurrent.atomic.AtomicBoolean hung = new java.util.concurrent.atomic.AtomicBoolean();
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            List<DeliveryReport.ActionDelivery> report = new java.util.ArrayList<>();
            for (int i = 0; i < delivery.actions().size(); i++) {
                var type = delivery.actions().get(i).type();
                if (delivery.deliveredActions().contains(i)) {
                    report.add(new DeliveryReport.ActionDelivery(i, type, DeliveryReport.Status.DELIVERED, 0, ""));
                    continue;
                }
                if (i == 1 && hung.compareAndSet(false, true)) {
                    sending.release();
                    try {
                        new CountDownLatch(1).await(); // action 1's request hangs until the cut
                    } catch (InterruptedException cut) {
                        Thread.currentThread().interrupt();
                        report.add(new DeliveryReport.ActionDelivery(i, type, DeliveryReport.Status.PENDING, 1, "cut"));
                        return new DeliveryReport(report);
                    }
                }
                sentActions.add(i);
                report.add(new DeliveryReport.ActionDelivery(i, type, DeliveryReport.Status.DELIVERED, 1, ""));
            }
            return new DeliveryReport(report);
        });
        try (dispatcher) {
            dispatcher.sendUntil(rig.scheduler.nanoTime() + Duration.ofMillis(300).toNanos());
            java.util.concurrent.CompletableFuture<Throwable> ended = interruptedWhileSending(dispatcher, run,
                    twoActions, sending);
            assertTrue(ended.get(10, TimeUnit.SECONDS) instanceof InterruptedException);
            assertEquals(1, rig.history.outbox().count(chat.orchestrator.core.port.DeliveryState.PENDING),
                    "cut short: due again");

            assertTrue(dispatcher.deliverOwn(conversation, run, twoActions.actions()).allDelivered());
        }
        assertEquals(List.of(0, 1), sentActions, "action 0 once, action 1 once after the cut");
    }

    /** The holder delivers its answer on a thread of its own, interrupted (as a shutdown does) once the send is on. */
    private java.util.concurrent.CompletableFuture<Throwable> interruptedWhileSending(OutboxDispatcher dispatcher,
            RunId run, AiReply reply, Semaphore sending) throws InterruptedException {
        java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        Thread holder = Thread.ofVirtual().start(() -> {
            try {
                dispatcher.deliverOwn(conversation, run, reply.actions());
                ended.complete(null);
            } catch (Throwable thrown) {
                ended.complete(thrown);
            }
        });
        assertTrue(sending.tryAcquire(10, TimeUnit.SECONDS));
        holder.interrupt();
        return ended;
    }

    private static void sleepThroughInterrupts(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        boolean interrupted = false;
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            } catch (InterruptedException ignored) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void eachFailedAttempt_waitsLongerBeforeTheNext() throws Exception {
        stored("m1");
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            sent.add(delivery);
            return OutboxDispatcher.pending(delivery.actions(), "503");
        });
        Duration initial = WorkerRig.SETTINGS.delivery().initialBackoff();
        try (dispatcher) {
            dispatchAndWait(dispatcher, 1);
            rig.clock.advance(initial);
            dispatchAndWait(dispatcher, 1);

            // After the second failure the wait is at least the initial backoff (half of twice it).
            rig.clock.advance(initial.minusMillis(1));
            assertEquals(0, dispatcher.dispatchDue());
            rig.clock.advance(initial.plusMillis(1));
            dispatchAndWait(dispatcher, 1);
        }
        assertEquals(3, sent.size());
    }

    @Test
    void aDispatcherStillSending_isNotIdle_andAClosedOneStartsNothing() throws Exception {
        stored("m1");
        CountDownLatch pancakeAnswers = new CountDownLatch(1);
        Semaphore sending = new Semaphore(0);
        OutboxDispatcher dispatcher = dispatcher(delivery -> {
            sending.release();
            try {
                pancakeAnswers.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return deliverAll(delivery);
        });
        assertEquals(1, dispatcher.dispatchDue());
        assertTrue(sending.tryAcquire(10, TimeUnit.SECONDS));

        assertFalse(dispatcher.awaitIdle(Duration.ofMillis(1)));

        pancakeAnswers.countDown();
        dispatcher.close();
        assertTrue(dispatcher.awaitIdle(Duration.ZERO), "closing waited for the send");
        assertEquals(1, sent.size());
        stored("m2");
        assertEquals(0, dispatcher.dispatchDue(), "closed: nothing started");
        assertTrue(dispatcher.awaitIdle(Duration.ZERO), "no slot kept by a send that never started");
    }

    private void dispatchAndWait(OutboxDispatcher dispatcher, int expected) throws InterruptedException {
        assertEquals(expected, dispatcher.dispatchDue());
        assertTrue(dispatcher.awaitIdle(Duration.ofSeconds(10)));
    }

    private DeliveryReport deliverAll(Delivery delivery) {
        sent.add(delivery);
        return new LoggingPancake().deliver(delivery);
    }

    private OutboxDispatcher dispatcher(PancakePort pancake) {
        return new OutboxDispatcher(rig.history.outbox(), pancake, rig.scheduler, WorkerRig.SETTINGS.delivery(),
                LifecycleEvents.NONE);
    }

    private AiReply reply(String id) {
        InboundMessage message = message(conversation, id, 0, "text of " + id);
        return WorkerRig.echo(new ConversationContext(conversation, List.of(), List.of(message)));
    }

    /** An answer committed to the outbox, due at once, as a holder leaves it before sending. */
    private RunId stored(String id) {
        return stored(id, reply(id));
    }

    private RunId stored(String id, AiReply reply) {
        InboundMessage message = rig.arrive(message(conversation, id, 0, "text of " + id));
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(message.id()), reply,
                rig.clock.instant());
        rig.history.recordAnswer(run, rig.clock.instant());
        return run.id();
    }
}
