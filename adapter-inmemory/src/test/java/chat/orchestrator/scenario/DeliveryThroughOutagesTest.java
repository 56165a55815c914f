package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The delivery promise when Pancake is down, rate-limiting or refusing: an answer stays due with backoff until the
 * horizon, goes out with the same key once Pancake is back, in commit order per conversation; only the horizon or a
 * permanent refusal ends it, and an operator can retry it. Time is a {@link TestClock}; dispatch passes are run
 * by the test.
 */
class DeliveryThroughOutagesTest {
    private static final DeliverySettings DELIVERY = DeliverySettings.defaults()
            .withDispatchInterval(Duration.ZERO).withMaxAge(Duration.ofHours(1));
    private static final OrchestratorSettings SETTINGS = Harness.FAST.withSweepInterval(Duration.ZERO)
            .withDelivery(DELIVERY);

    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock);
    private final InMemoryHistory history = new InMemoryHistory(clock);
    private final InMemoryLocks locks = new InMemoryLocks(store);
    private final InMemoryState state = new InMemoryState(store);
    private final SwitchablePancake pancake = new SwitchablePancake();

    /** A Pancake that answers as told, recording every attempt. */
    static final class SwitchablePancake implements PancakePort {
        final AtomicReference<DeliveryReport.Status> answer = new AtomicReference<>(DeliveryReport.Status.DELIVERED);
        final List<Delivery> attempts = new ArrayList<>();

        @Override
        public synchronized DeliveryReport deliver(Delivery delivery) {
            attempts.add(delivery);
            DeliveryReport.Status status = answer.get();
            return new DeliveryReport(IntStream.range(0, delivery.actions().size())
                    .mapToObj(i -> new ActionDelivery(i, delivery.actions().get(i).type(), status, 1,
                            status == DeliveryReport.Status.DELIVERED ? "" : "HTTP 500"))
                    .toList(), status == DeliveryReport.Status.PENDING ? Optional.of(Duration.ofSeconds(2)) : Optional.empty());
        }

        synchronized List<String> deliveredKeys() {
            return List.copyOf(attempts.stream().map(Delivery::idempotencyKey).toList());
        }
    }

    private Orchestrator orchestrator() {
        return orchestrator(locks, state, pancake, SETTINGS);
    }

    /** An instance over this test's history and outbox, with the stores, Pancake and settings a case needs. */
    private Orchestrator orchestrator(LockPort lockStore, StatePort stateStore, PancakePort platform,
                                      OrchestratorSettings settings) {
        return Orchestrator.builder().locks(lockStore).state(stateStore).history(history).outbox(history.outbox())
                .ai(Harness::echo).pancake(platform).settings(settings).clock(clock).build();
    }

    private static MessageOutcome.Completed completed(MessageOutcome outcome) {
        return assertInstanceOf(MessageOutcome.Completed.class, outcome);
    }

    private void dispatch(Orchestrator orchestrator) throws InterruptedException {
        orchestrator.dispatch();
        assertTrue(orchestrator.awaitDispatched(Duration.ofSeconds(10)));
    }

    @Test
    void anAnswerMadeWhilePancakeIsDown_staysDue_andGoesOutWithTheSameKeyWhenItIsBack() throws Exception {
        pancake.answer.set(DeliveryReport.Status.PENDING);
        try (Orchestrator orchestrator = orchestrator()) {
            ConversationId conversation = newConversation();
            MessageOutcome.Completed outcome = completed(orchestrator.handle(message(conversation, "m1", 0, "Xin chào")));
            assertEquals(0, outcome.delivery().delivered(), "the caller is told it is not delivered yet");
            assertEquals(1, history.outbox().count(DeliveryState.PENDING));

            clock.advance(Duration.ofMinutes(10));
            dispatch(orchestrator);
            assertEquals(1, history.outbox().count(DeliveryState.PENDING), "still down: still due, never dead");

            pancake.answer.set(DeliveryReport.Status.DELIVERED);
            clock.advance(DELIVERY.maxBackoff().plusSeconds(1));
            dispatch(orchestrator);

            assertEquals(0, history.outbox().count(DeliveryState.PENDING));
            List<String> keys = pancake.deliveredKeys();
            assertEquals(3, keys.size());
            assertEquals(1, keys.stream().distinct().count(), "every attempt carried the run's key");
            assertEquals(pancake.attempts.getFirst(), pancake.attempts.getLast(), "and the very same delivery");
        }
    }

    @Test
    void answersOfOneConversationMadeDuringAnOutage_goOutInCommitOrder() throws Exception {
        pancake.answer.set(DeliveryReport.Status.PENDING);
        try (Orchestrator orchestrator = orchestrator()) {
            ConversationId conversation = newConversation();
            completed(orchestrator.handle(message(conversation, "first", 0, "first")));
            awaitReleased(conversation);
            clock.advance(Duration.ofSeconds(1));
            completed(orchestrator.handle(message(conversation, "second", 1_000, "second")));
            assertEquals(1, pancake.attempts.size(), "the second answer waits behind the first, unsent");

            pancake.answer.set(DeliveryReport.Status.DELIVERED);
            for (int pass = 0; pass < 3; pass++) {
                clock.advance(DELIVERY.maxBackoff().plusSeconds(1));
                dispatch(orchestrator);
            }

            List<String> texts = pancake.attempts.stream().skip(1).map(d -> d.reply().text()).toList();
            assertEquals(List.of("answer to [first]", "answer to [second]"), texts);
        }
    }

    /** The caller is answered just before its worker releases the lock. */
    private void awaitReleased(ConversationId conversation) {
        await("the worker releases the lock").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> locks.inspect(conversation).isEmpty());
    }

    @Test
    void anAnswerStillUndeliveredAtTheHorizon_isADeadLetter_thatAnOperatorCanRetry() throws Exception {
        pancake.answer.set(DeliveryReport.Status.PENDING);
        try (Orchestrator orchestrator = orchestrator()) {
            ConversationId conversation = newConversation();
            completed(orchestrator.handle(message(conversation, "m1", 0, "Xin chào")));
            clock.advance(DELIVERY.maxAge().plusSeconds(1));
            dispatch(orchestrator);
            assertEquals(1, history.outbox().count(DeliveryState.DEAD_LETTER));

            Administration admin = new Administration(locks, state, history.outbox(), List.of(), clock,
                    SETTINGS.lockTtl(), 100);
            assertEquals(Administration.Status.DEGRADED, admin.health().status(), "a dead letter needs an operator");
            var dead = admin.deliveries(DeliveryState.DEAD_LETTER, 10).getFirst();
            pancake.answer.set(DeliveryReport.Status.DELIVERED);
            assertTrue(admin.retryDelivery(dead.runId()));
            dispatch(orchestrator);

            assertEquals(0, history.outbox().count(DeliveryState.DEAD_LETTER));
            assertEquals(dead.runId().toString(), pancake.attempts.getLast().idempotencyKey());
            assertEquals(Administration.Status.HEALTHY, admin.health().status());
        }
    }

    @Test
    void aSendCutShortByShutdown_leavesTheAnswerDueAtOnce_withoutUsingAnAttempt() throws Exception {
        pancake.answer.set(DeliveryReport.Status.PENDING);
        java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        PancakePort hanging = delivery -> {
            if (pancake.answer.get() == DeliveryReport.Status.DELIVERED) {
                sending.countDown();
                try {
                    Thread.sleep(Duration.ofMinutes(5));
                } catch (InterruptedException shutdown) {
                    Thread.currentThread().interrupt();
                }
            }
            return pancake.deliver(delivery);
        };
        OrchestratorSettings shortLease = SETTINGS.withLockTtl(Duration.ofSeconds(2));
        Orchestrator orchestrator = orchestrator(locks, state, hanging, shortLease);
        completed(orchestrator.handle(message(newConversation(), "m1", 0, "Xin chào")));
        pancake.answer.set(DeliveryReport.Status.DELIVERED);
        clock.advance(DELIVERY.maxBackoff().plusSeconds(1));
        assertEquals(1, orchestrator.dispatch());
        assertTrue(sending.await(10, java.util.concurrent.TimeUnit.SECONDS));

        orchestrator.close();

        assertEquals(0, history.outbox().count(DeliveryState.DEAD_LETTER), "never dead for a shutdown");
        var due = history.outbox().claimDue(Duration.ofSeconds(30), 10);
        assertEquals(1, due.size(), "due at once, its claim let go");
        assertEquals(1, due.getFirst().attempts(), "the cut-short attempt is not counted");
    }

    @Test
    void dueAnswersAreDeliveredWhileTheLockAndStateStoreIsDown_andAFailingOneHoldsUpNoOther() throws Exception {
        ConversationId broken = newConversation();
        ConversationId fine = newConversation();
        pancake.answer.set(DeliveryReport.Status.PENDING);
        try (Orchestrator orchestrator = orchestrator()) {
            completed(orchestrator.handle(message(broken, "b1", 0, "one")));
            completed(orchestrator.handle(message(fine, "f1", 0, "two")));
        }
        pancake.answer.set(DeliveryReport.Status.DELIVERED);
        PancakePort throwsForOne = delivery -> {
            if (delivery.conversationId().equals(broken)) {
                throw new IllegalStateException("a bug in the adapter for this one answer");
            }
            return pancake.deliver(delivery);
        };
        // Redis is down: every lock and state call fails. Delivery needs only the outbox.
        LockPort downLocks = unreachable(LockPort.class);
        StatePort downState = unreachable(StatePort.class);
        try (Orchestrator orchestrator = orchestrator(downLocks, downState, throwsForOne, SETTINGS)) {
            clock.advance(DELIVERY.maxBackoff().plusSeconds(1));
            dispatch(orchestrator);
        }

        assertEquals(1, history.outbox().count(DeliveryState.PENDING), "the broken one backs off and stays due");
        assertEquals("answer to [f1]", pancake.attempts.getLast().reply().text(), "the other one went out");
        assertEquals(DeliveryState.PENDING, history.outbox().list(DeliveryState.PENDING, 10).getFirst().state());
        assertEquals(broken, history.outbox().list(DeliveryState.PENDING, 10).getFirst().conversationId());
    }

    @Test
    void anAnswerStoredJustAsTheStateStoreWentAway_isDeliveredAtOnceAllTheSame() {
        StatePort goneAfterCommit = (StatePort)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {StatePort.class}, (proxy, method, args) -> {
                            if (method.getName().equals("removePending")) {
                                throw new chat.orchestrator.core.port.StoreUnavailableException("Redis is down");
                            }
                            try {
                                return method.invoke(state, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        try (Orchestrator orchestrator = orchestrator(locks, goneAfterCommit, pancake, SETTINGS)) {

            MessageOutcome.Completed outcome = completed(orchestrator.handle(message(newConversation(), "m1", 0, "hi")));

            assertEquals(1, outcome.delivery().delivered(), "delivered by its holder, not minutes later by recovery");
            assertEquals(1, pancake.attempts.size());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T unreachable(Class<T> port) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "unreachable " + port.getSimpleName()
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : proxy == args[0];
                    }
                    throw new chat.orchestrator.core.port.StoreUnavailableException("Redis is down");
                });
    }

    @Test
    void aPermanentRefusalStopsAtOnce_asRejected() throws Exception {
        pancake.answer.set(DeliveryReport.Status.REJECTED);
        try (Orchestrator orchestrator = orchestrator()) {
            completed(orchestrator.handle(message(newConversation(), "m1", 0, "Xin chào")));
            clock.advance(Duration.ofMinutes(5));
            dispatch(orchestrator);

            assertEquals(1, history.outbox().count(DeliveryState.REJECTED));
            assertEquals(1, pancake.attempts.size(), "not retried");
        }
    }

    @Test
    void aLockStoreThatLostItsCounter_isLiftedAboveHistorysFence_andTheMessageIsAnswered() throws Exception {
        try (Orchestrator orchestrator = orchestrator()) {
            ConversationId conversation = newConversation();
            var first = message(conversation, "m0", 0, "seen before");
            history.record(first);
            // History saw token 1000 from an earlier life of the lock store; the store now starts again from 1.
            assertInstanceOf(FencedWrite.Committed.class, history.raiseFence(conversation, new FencingToken(1_000)));

            MessageOutcome.Completed outcome = completed(orchestrator.handle(message(conversation, "m1", 1, "again")));

            assertEquals(1, pancake.attempts.size());
            assertTrue(pancake.attempts.getFirst().fencingToken().value() > 1_000);
            assertEquals("answer to [m0, m1]", outcome.reply().text(), "m0, recorded and never answered, with it");
        }
    }

    @Test
    void theSweeperFindsEveryStrandedConversation_howeverManyThereAre() throws Exception {
        OrchestratorSettings smallPages = SETTINGS.withSweepScanLimit(2);
        try (Orchestrator orchestrator = orchestrator(locks, state, pancake, smallPages)) {
            for (int i = 0; i < 7; i++) {
                // Recorded, then the state store lost it (Redis restarted empty): nothing is pending anywhere.
                history.record(message(newConversation(), "m", 0, "stranded " + i));
            }
            clock.advance(SETTINGS.lockTtl().plusSeconds(1));

            assertEquals(7, orchestrator.sweep());
            await("the seven answers are sent").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> pancake.attempts.size() >= 7);
            orchestrator.close(); // returns once every worker has finished: a second answer would be seen now
            assertEquals(7, pancake.attempts.size());
        }
    }
}
