package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageLifecycleTest {

    @Test
    void oneMessage_isAnsweredWithASendMessageThatReachesPancake() throws Exception {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();

            MessageOutcome outcome = harness.orchestrator.handle(message(conversation, "m1", 0, "Xin chào"));

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome);
            assertEquals(List.of(new Action.SendMessage("answer to [m1]")), completed.reply().actions());
            assertTrue(completed.delivery().allDelivered());
            assertEquals(1, harness.pancake.deliveries().size());
            assertTrue(harness.state.pendingIds(conversation).isEmpty(), "nothing is left pending");
            awaitRelease(harness, conversation);
        }
    }

    @Test
    void theSameMessageIdAgain_isADuplicateCarryingTheEarlierAnswer_andTheAiIsCalledOnce() {
        try (Harness harness = new Harness(Harness::echo)) {
            InboundMessage hello = message(newConversation(), "m1", 0, "Xin chào");

            harness.orchestrator.handle(hello);
            MessageOutcome again = harness.orchestrator.handle(hello);
            settle(harness);

            MessageOutcome.Duplicate duplicate = assertInstanceOf(MessageOutcome.Duplicate.class, again);
            assertEquals("answer to [m1]", duplicate.earlierAnswer().orElseThrow().text());
            assertEquals(1, harness.ai.contexts().size());
            assertEquals(1, harness.pancake.deliveries().size());
        }
    }

    @Test
    void messagesArrivingOutOfOrder_reachTheAiInTimestampOrder() {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();
            // Two fragments are already pending (their holder died before answering) when the third arrives.
            for (InboundMessage pending : List.of(message(conversation, "c", 3_000, "to book a check-up"),
                    message(conversation, "a", 1_000, "hi"))) {
                harness.history.record(pending);
                harness.state.accept(pending);
            }

            MessageOutcome outcome = harness.orchestrator.handle(message(conversation, "b", 2_000, "I want"));

            assertInstanceOf(MessageOutcome.Completed.class, outcome);
            List<String> seen = harness.ai.contexts().getFirst().burst().stream().map(m -> m.id().value()).toList();
            assertEquals(List.of("a", "b", "c"), seen);
        }
    }

    @Test
    void aMessageArrivingWhileTheAiRuns_makesTheFirstAnswerStale_andBothAreAnsweredTogether() throws Exception {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        CountDownLatch newerMessageAccepted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (Harness harness = new Harness(context -> {
            if (calls.incrementAndGet() == 1) {
                firstCallStarted.countDown();
                waitFor(newerMessageAccepted);
            }
            return Harness.echo(context);
        })) {
            ConversationId conversation = newConversation();
            CompletableFuture<MessageOutcome> first = CompletableFuture.supplyAsync(
                    () -> harness.orchestrator.handle(message(conversation, "m1", 0, "hi")));
            assertTrue(firstCallStarted.await(10, TimeUnit.SECONDS));

            MessageOutcome second = harness.orchestrator.handle(message(conversation, "m2", 1_000, "I want to book"));
            newerMessageAccepted.countDown();

            assertInstanceOf(MessageOutcome.Locked.class, second);
            MessageOutcome.RestartNeeded restart = assertInstanceOf(MessageOutcome.RestartNeeded.class,
                    first.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(MessageId.of("m2")), restart.newerMessages().stream().map(MessageOutcome.NewerMessage::messageId).toList());
            assertEquals("answer to [m1]", restart.discarded().orElseThrow().text());
            awaitDeliveries(harness, 1);
            settle(harness);
            List<Delivery> deliveries = harness.pancake.deliveries();
            assertEquals(1, deliveries.size(), "the stale answer is never sent");
            assertEquals("answer to [m1, m2]", deliveries.getFirst().reply().text());
            assertEquals(2, harness.ai.contexts().get(1).burst().size(), "the second call sees both messages");
            assertEquals(1, harness.history.discardedRuns().size());
        }
    }

    @Test
    void aNewerMessage_cancelsTheRunningAiCall_whenConfigured() throws Exception {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (Harness harness = new Harness(java.time.Clock.systemUTC(), Harness.FAST.withCancelOnNewerMessage(true), context -> {
            if (calls.incrementAndGet() == 1) {
                firstCallStarted.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException cancelled) {
                    interrupted.countDown();
                    throw new AiUnavailableException("cancelled");
                }
            }
            return Harness.echo(context);
        })) {
            ConversationId conversation = newConversation();
            CompletableFuture<MessageOutcome> first = CompletableFuture.supplyAsync(
                    () -> harness.orchestrator.handle(message(conversation, "m1", 0, "hi")));
            assertTrue(firstCallStarted.await(10, TimeUnit.SECONDS));

            harness.orchestrator.handle(message(conversation, "m2", 1_000, "I want to book"));

            MessageOutcome.RestartNeeded restart = assertInstanceOf(MessageOutcome.RestartNeeded.class,
                    first.get(10, TimeUnit.SECONDS));
            assertTrue(restart.discarded().isEmpty(), "a cancelled call has no answer to discard");
            assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the AI call was interrupted");
            awaitDeliveries(harness, 1);
            settle(harness);
            assertEquals(List.of("answer to [m1, m2]"),
                    harness.pancake.deliveries().stream().map(d -> d.reply().text()).toList());
        }
    }

    @Test
    void anAiFailure_releasesTheLockAndKeepsTheMessagePending_soARetryAnswersIt() {
        AtomicInteger calls = new AtomicInteger();
        try (Harness harness = new Harness(context -> {
            if (calls.incrementAndGet() == 1) {
                throw new AiUnavailableException("HTTP 503 from the AI service");
            }
            return Harness.echo(context);
        })) {
            ConversationId conversation = newConversation();
            InboundMessage hello = message(conversation, "m1", 0, "Xin chào");

            MessageOutcome failed = harness.orchestrator.handle(hello);

            MessageOutcome.Failed failure = assertInstanceOf(MessageOutcome.Failed.class, failed);
            assertTrue(failure.retryable());
            assertTrue(harness.locks.inspect(conversation).isEmpty(), "the lock is released");
            assertEquals(java.util.Set.of(hello.id()), harness.state.pendingIds(conversation));
            assertTrue(harness.pancake.deliveries().isEmpty());

            MessageOutcome retried = harness.orchestrator.handle(hello);

            assertInstanceOf(MessageOutcome.Completed.class, retried);
            assertEquals(1, harness.pancake.deliveries().size());
        }
    }

    @Test
    void aBurstInsideTheQuietWindow_isAnsweredOnce() throws Exception {
        CountDownLatch windowOpened = new CountDownLatch(1);
        CountDownLatch burstSent = new CountDownLatch(1);
        InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
        InMemoryHistory history = new InMemoryHistory();
        Harness.RecordingAi ai = new Harness.RecordingAi(Harness::echo);
        Harness.RecordingPancake pancake = new Harness.RecordingPancake();
        ConversationId conversation = newConversation();
        try (Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(store))
                .state(holdingTheWindowOpen(new InMemoryState(store), windowOpened, burstSent)).history(history)
                .outbox(history.outbox()).ai(ai).pancake(pancake)
                .settings(Harness.FAST.withConsolidation(Duration.ofMillis(50), Duration.ofSeconds(2))).build()) {
            CompletableFuture<MessageOutcome> first = CompletableFuture.supplyAsync(
                    () -> orchestrator.handle(message(conversation, "hi", 0, "hi")));
            assertTrue(windowOpened.await(10, TimeUnit.SECONDS), "the worker starts its quiet window");

            assertInstanceOf(MessageOutcome.Locked.class, orchestrator.handle(message(conversation, "want", 1, "I want")));
            assertInstanceOf(MessageOutcome.Locked.class,
                    orchestrator.handle(message(conversation, "book", 2, "to book a check-up")));
            burstSent.countDown();

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, first.get(10, TimeUnit.SECONDS));
            assertEquals(3, completed.consolidatedMessages());
            orchestrator.close(); // returns once the worker has finished: a second answer would be seen now
            assertEquals(1, ai.contexts().size());
            assertEquals(1, pancake.deliveries().size());
        }
    }

    /**
     * The worker's first read of the pending ids is where its quiet window starts: that read is answered as it was
     * taken, but only once the test has sent the rest of the burst, so the burst lands inside the window whatever
     * the machine's load.
     */
    private static StatePort holdingTheWindowOpen(StatePort state, CountDownLatch windowOpened, CountDownLatch burstSent) {
        AtomicBoolean held = new AtomicBoolean();
        return (StatePort) Proxy.newProxyInstance(StatePort.class.getClassLoader(), new Class<?>[] {StatePort.class},
                (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(state, args);
                    } catch (InvocationTargetException failed) {
                        throw failed.getCause();
                    }
                    if (method.getName().equals("pendingIds") && Thread.currentThread().getName().startsWith("conversation-worker-")
                            && held.compareAndSet(false, true)) {
                        windowOpened.countDown();
                        burstSent.await(10, TimeUnit.SECONDS);
                    }
                    return answer;
                });
    }

    @Test
    void aMessageForAConversationHeldElsewhere_isLocked_andWaitsPendingForTheHolder() {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();
            harness.locks.tryAcquire(conversation, Duration.ofSeconds(30)).orElseThrow();

            MessageOutcome outcome = harness.orchestrator.handle(message(conversation, "m1", 0, "hi"));

            assertInstanceOf(MessageOutcome.Locked.class, outcome);
            assertFalse(harness.state.pendingIds(conversation).isEmpty(), "a locked-out message waits for the holder");
        }
    }

    /** Waits until Pancake was sent at least {@code count} answers; fails the test after ten seconds. */
    static void awaitDeliveries(Harness harness, int count) {
        await("Pancake sent " + count + " answer(s)").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> harness.pancake.deliveries().size() >= count);
    }

    /** The caller is answered before the worker's final release check, so the release is observed eventually. */
    @Test
    void aCallerToldItsAnswer_findsTheConversationFree_soItsNextMessageGetsItsOwnAnswer() {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();

            assertInstanceOf(MessageOutcome.Completed.class,
                    harness.orchestrator.handle(message(conversation, "m1", 0, "Xin chào")));
            // No waiting: the pass removed its batch and let go before it told the caller.
            assertTrue(harness.locks.inspect(conversation).isEmpty(), "released before the caller was told");
            MessageOutcome next = harness.orchestrator.handle(message(conversation, "m2", 1_000, "one more thing"));

            MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, next);
            assertEquals("answer to [m2]", completed.reply().text());
        }
    }

    static void awaitRelease(Harness harness, ConversationId conversation) {
        await("the lock is released").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> harness.locks.inspect(conversation).isEmpty());
    }

    /**
     * Closes the orchestrator, which stops its sweeps and dispatches and returns once every worker and send has
     * finished: nothing is sent after it, so a count taken then also holds that nothing more was going to happen.
     */
    static void settle(Harness harness) {
        harness.orchestrator.close();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
