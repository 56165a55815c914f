package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.AiRejectedException;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.RunId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lifecycle events the use cases tell, with the values an operator's metrics and logs are built from. */
class LifecycleEventsTest {

    /** One event as told: its name, its values as text, and the thread it was told on. */
    record Told(String name, List<String> values, Thread thread) {
        String value(int i) {
            return values.get(i);
        }
    }

    /** Remembers every event in the order told. */
    static final class RecordingEvents implements LifecycleEvents {
        private final List<Told> told = new ArrayList<>();
        /** The durations told (lock attempts, AI calls, workers' holds), by event name. */
        private final List<java.util.Map.Entry<String, Duration>> durations = new ArrayList<>();

        private synchronized void took(String name, Duration duration) {
            durations.add(java.util.Map.entry(name, duration));
        }

        synchronized List<java.util.Map.Entry<String, Duration>> durations() {
            return List.copyOf(durations);
        }

        private synchronized void add(String name, Object... values) {
            told.add(new Told(name, java.util.Arrays.stream(values).map(String::valueOf).toList(), Thread.currentThread()));
        }

        synchronized List<Told> named(String name) {
            return told.stream().filter(t -> t.name().equals(name)).toList();
        }

        Told awaitOne(String name) throws InterruptedException {
            return await(name, all -> !all.isEmpty()).getFirst();
        }

        List<Told> await(String name, Predicate<List<Told>> enough) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                List<Told> found = named(name);
                if (enough.test(found)) {
                    return found;
                }
                Thread.sleep(5);
            }
            return fail("not told " + name + " in time; told: " + named(name));
        }

        @Override
        public void messageReceived(InboundMessage message) {
            add("messageReceived", message.id().value());
        }

        @Override
        public void messageHandled(InboundMessage message, MessageOutcome outcome) {
            add("messageHandled", message.id().value(), outcome.getClass().getSimpleName());
        }

        @Override
        public void messageSubmitted(InboundMessage message, Submission submission) {
            add("messageSubmitted", message.id().value(), submission.getClass().getSimpleName());
        }

        @Override
        public void lockAttempted(ConversationId conversation, boolean acquired, Duration took) {
            add("lockAttempted", conversation, acquired, took.isNegative());
            took("lockAttempted", took);
        }

        @Override
        public void workerStarted(ConversationId conversation) {
            add("workerStarted", conversation);
        }

        @Override
        public void workerStopped(ConversationId conversation, Duration held) {
            add("workerStopped", conversation, held.isNegative());
            took("workerStopped", held);
        }

        @Override
        public void aiCallEnded(ConversationId conversation, AiCallEnd end, Optional<String> model, Duration took) {
            add("aiCallEnded", conversation, end, model.orElse("-"), took.isNegative());
            took("aiCallEnded", took);
        }

        @Override
        public void burstAnswered(ConversationId conversation, RunId run, int messages) {
            add("burstAnswered", conversation, run, messages);
        }

        @Override
        public void staleAnswerDiscarded(ConversationId conversation) {
            add("staleAnswerDiscarded", conversation);
        }

        @Override
        public void deliveryAttempted(ConversationId conversation, RunId run, DeliveryState state) {
            add("deliveryAttempted", conversation, run, state);
        }

        @Override
        public void conversationRecovered(ConversationId conversation) {
            add("conversationRecovered", conversation);
        }

        @Override
        public void handedOff(ConversationId conversation, Handoff.By by) {
            add("handedOff", conversation, by);
        }
    }

    private final RecordingEvents events = new RecordingEvents();

    @Test
    void oneAnsweredMessage_tellsEachStepWithItsValues_theWorkerStepsOnTheWorkersThread() throws Exception {
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, Harness::echo, events)) {
            ConversationId conversation = newConversation();

            harness.orchestrator.handle(message(conversation, "m1", 0, "Xin chào"));

            assertEquals(List.of("m1"), events.awaitOne("messageReceived").values());
            assertEquals(List.of("m1", "Completed"), events.awaitOne("messageHandled").values());
            assertEquals(List.of(conversation.toString(), "true", "false"), events.awaitOne("lockAttempted").values());
            Told started = events.awaitOne("workerStarted");
            assertEquals(conversation.toString(), started.value(0));
            Told ai = events.awaitOne("aiCallEnded");
            assertEquals(List.of(conversation.toString(), "ANSWERED", "echo-model", "false"), ai.values());
            Told answered = events.awaitOne("burstAnswered");
            assertEquals("1", answered.value(2));
            Told delivered = events.awaitOne("deliveryAttempted");
            assertEquals(List.of(conversation.toString(), answered.value(1), "DELIVERED"), delivered.values());
            assertEquals(List.of(conversation.toString(), "false"), events.awaitOne("workerStopped").values());
            assertNotEquals(events.awaitOne("messageReceived").thread(), started.thread(), "the worker runs apart");
            assertEquals(started.thread(), ai.thread());
            assertEquals(started.thread(), answered.thread());
            assertTrue(events.named("staleAnswerDiscarded").isEmpty());
        }
    }

    @Test
    void aMessageArrivingWhileTheAiRuns_tellsAStaleAnswer_aLockedCaller_andTwoConsolidatedMessages() throws Exception {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        CountDownLatch newerAccepted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, context -> {
            if (calls.incrementAndGet() == 1) {
                firstCallStarted.countDown();
                try {
                    newerAccepted.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Harness.echo(context);
        }, events)) {
            ConversationId conversation = newConversation();
            CompletableFuture<MessageOutcome> first = CompletableFuture.supplyAsync(
                    () -> harness.orchestrator.handle(message(conversation, "m1", 0, "hi")));
            assertTrue(firstCallStarted.await(10, TimeUnit.SECONDS));
            harness.orchestrator.handle(message(conversation, "m2", 1_000, "I want to book"));
            newerAccepted.countDown();
            first.get(10, TimeUnit.SECONDS);

            assertEquals(conversation.toString(), events.awaitOne("staleAnswerDiscarded").value(0));
            assertEquals(1, events.named("staleAnswerDiscarded").size());
            assertEquals("2", events.awaitOne("burstAnswered").value(2), "one answer covers both messages");
            assertEquals(List.of(List.of("m1", "RestartNeeded"), List.of("m2", "Locked")),
                    events.await("messageHandled", all -> all.size() == 2).stream().map(Told::values).sorted(
                            java.util.Comparator.comparing(v -> v.getFirst())).toList());
            assertTrue(events.named("lockAttempted").stream().anyMatch(t -> t.value(1).equals("false")),
                    "the second caller found the lock held");
            assertEquals(2, events.await("aiCallEnded", all -> all.size() == 2).stream()
                    .filter(t -> t.value(1).equals("ANSWERED")).count());
        }
    }

    @Test
    void anAnswerWithATransfer_tellsAHandoffByTheAi_andTheNextMessageIsHandledAsHandedOff() throws Exception {
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, context -> new AiReply(
                "Dạ, em chuyển chị sang nhân viên ạ.", "human_handoff", 0.8, java.util.Map.of(), "echo-model",
                Duration.ZERO, List.of(new Action.TransferToAgent("customer_request", ""))), events)) {
            ConversationId conversation = newConversation();

            harness.orchestrator.handle(message(conversation, "m1", 0, "Cho mình gặp nhân viên"));
            // m1's caller has its answer before the worker lets the lock go: m2 sent earlier finds it held (Locked).
            events.awaitOne("workerStopped");
            harness.orchestrator.handle(message(conversation, "m2", 1_000, "Alo?"));

            assertEquals(List.of(conversation.toString(), "AI"), events.awaitOne("handedOff").values());
            assertEquals(List.of(List.of("m1", "Completed"), List.of("m2", "HandedOff")),
                    events.await("messageHandled", all -> all.size() == 2).stream().map(Told::values).toList());
            assertEquals(1, events.named("aiCallEnded").size(), "m2 never reached the AI");
        }
    }

    @Test
    void anOperatorsHandoffThroughTheOrchestrator_isToldByAnAdmin_andTheNextMessageIsHandledAsHandedOff()
            throws Exception {
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, Harness::echo, events)) {
            ConversationId conversation = newConversation();
            harness.orchestrator.handle(message(conversation, "m1", 0, "Xin chào"));
            events.awaitOne("workerStopped");

            assertTrue(harness.orchestrator.handoffs().handOff(conversation, "khách VIP").isPresent());
            MessageOutcome second = harness.orchestrator.handle(message(conversation, "m2", 1_000, "Alo?"));

            assertEquals(List.of(conversation.toString(), "ADMIN"), events.awaitOne("handedOff").values());
            assertEquals("HandedOff", second.getClass().getSimpleName());
            assertEquals(1, events.named("aiCallEnded").size(), "m2 never reached the AI");
        }
    }

    /** An AI that failed (may pass) and one that refused (a misconfiguration): each told as such, with no model. */
    @ParameterizedTest
    @CsvSource({"false, FAILED, Failed", "true, REJECTED, AiRejected"})
    void anAiCallThatGetsNoAnswer_isToldWithoutAModel_andItsOutcome(boolean refused, String end, String outcome)
            throws Exception {
        AiUnavailableException failure = refused ? new AiRejectedException("HTTP 401: invalid api key")
                : new AiUnavailableException("AI down");
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, context -> {
            throw failure;
        }, events)) {
            ConversationId conversation = newConversation();

            MessageOutcome handled = harness.orchestrator.handle(message(conversation, "m1", 0, "hi"));

            assertEquals(outcome, handled.getClass().getSimpleName());
            assertEquals(List.of(conversation.toString(), end, "-", "false"), events.awaitOne("aiCallEnded").values());
            assertEquals(List.of("m1", outcome), events.awaitOne("messageHandled").values());
            assertTrue(events.named("burstAnswered").isEmpty());
        }
    }

    @Test
    void aCallCancelledByANewerMessage_isToldAsCancelled_thenTheRestartIsAnswered() throws Exception {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST.withCancelOnNewerMessage(true), context -> {
            if (calls.incrementAndGet() == 1) {
                firstCallStarted.countDown();
                try {
                    new CountDownLatch(1).await(10, TimeUnit.SECONDS); // until the guard cancels the call
                } catch (InterruptedException cancelled) {
                    Thread.currentThread().interrupt();
                    throw new AiUnavailableException("cancelled");
                }
            }
            return Harness.echo(context);
        }, events)) {
            ConversationId conversation = newConversation();
            CompletableFuture<MessageOutcome> first = CompletableFuture.supplyAsync(
                    () -> harness.orchestrator.handle(message(conversation, "m1", 0, "hi")));
            assertTrue(firstCallStarted.await(10, TimeUnit.SECONDS));
            harness.orchestrator.handle(message(conversation, "m2", 1_000, "I want to book"));
            first.get(10, TimeUnit.SECONDS);

            assertEquals(List.of("CANCELLED", "ANSWERED"), events.await("aiCallEnded", all -> all.size() == 2).stream()
                    .map(t -> t.value(1)).toList());
        }
    }

    /** Each duration told is a part of the time the message took: none can be longer than the whole. */
    @Test
    void theDurationsTold_areWithinTheTimeTheMessageTook() throws Exception {
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, Harness::echo, events)) {
            long before = System.nanoTime();
            harness.orchestrator.handle(message(newConversation(), "m1", 0, "Xin chào"));
            events.awaitOne("workerStopped");
            Duration whole = Duration.ofNanos(System.nanoTime() - before);

            List<java.util.Map.Entry<String, Duration>> told = events.durations();
            assertEquals(List.of("lockAttempted", "aiCallEnded", "workerStopped"),
                    told.stream().map(java.util.Map.Entry::getKey).toList());
            told.forEach(t -> assertTrue(!t.getValue().isNegative() && t.getValue().compareTo(whole) <= 0,
                    t.getKey() + " told " + t.getValue() + " of a message that took " + whole));
        }
    }

    @Test
    void aSubmittedMessage_isToldAsSubmitted_notAsHandled() throws Exception {
        try (Harness harness = new Harness(Clock.systemUTC(), Harness.FAST, Harness::echo, events)) {
            harness.orchestrator.submit(message(newConversation(), "m1", 0, "hi"));

            assertEquals(List.of("m1", "Started"), events.awaitOne("messageSubmitted").values());
            events.awaitOne("deliveryAttempted");
            assertTrue(events.named("messageHandled").isEmpty());
        }
    }

    @Test
    void aConversationTheSweeperTakes_isToldAsRecovered() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), Harness::echo, events)) {
            ConversationId conversation = newConversation();
            InboundMessage abandoned = message(conversation, "m1", 0, "Xin chào");
            harness.history.record(abandoned);
            harness.state.accept(abandoned);
            clock.advance(Harness.FAST.lockTtl().plusSeconds(1));

            assertEquals(1, harness.orchestrator.sweep());

            assertEquals(List.of(conversation.toString()), events.awaitOne("conversationRecovered").values());
            assertEquals(List.of(conversation.toString(), "true", "false"), events.awaitOne("lockAttempted").values(),
                    "the sweeper's own lock attempt");
            assertEquals("DELIVERED", events.awaitOne("deliveryAttempted").value(2));
        }
    }
}
