package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.RecordOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A conversation handed off to people: its messages are recorded once and never answered by the AI, until an
 * operator hands it back or it has been idle for the timeout; the AI's own transfer hands off only once stored.
 */
class HandoffTest {
    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final Handoffs handoffs = new Handoffs(rig.history, rig.clock, WorkerRig.SETTINGS.handoffIdleTimeout(),
            LifecycleEvents.NONE);
    private final List<ConversationContext> aiCalls = new CopyOnWriteArrayList<>();
    private final AiPort echo = context -> {
        aiCalls.add(context);
        return WorkerRig.echo(context);
    };

    @Test
    void aHandedOffConversation_recordsItsMessagesOnce_andNeverCallsTheAi() throws Exception {
        rig.arrive(message(conversation, "m0", 0, "Xin chào"));
        assertTrue(handoffs.handOff(conversation, "khách VIP").isPresent());
        InboundMessage first = rig.arrive(message(conversation, "m1", 1_000, "Cho mình hỏi giá"));

        MessageOutcome outcome = handle(first);

        MessageOutcome.HandedOff handedOff = assertInstanceOf(MessageOutcome.HandedOff.class, outcome);
        assertEquals(Handoff.By.ADMIN, handedOff.handoff().by());
        assertEquals("khách VIP", handedOff.handoff().reason());
        assertTrue(aiCalls.isEmpty(), "the AI is never called");
        assertTrue(rig.delivered.isEmpty(), "nothing is sent");
        assertEquals(RecordOutcome.ANSWERED, rig.history.record(first), "recorded once: a redelivery is a duplicate");
        assertEquals(Set.of(first.id()), rig.history.answeredAmong(conversation, Set.of(first.id())));
        assertTrue(rig.state.pendingIds(conversation).isEmpty());
        assertFalse(rig.locks.inspect(conversation).isPresent(), "the lock is let go");
    }

    /**
     * What the admin listing shows: of the conversations asked about, those people have now; one idle past the
     * timeout is the bot's again, one never handed off is not listed, and an empty question reads nothing.
     */
    @Test
    void theHandoffsInForceAmongSomeConversations_leaveOutTheIdleOnesAndTheBotsOwn() {
        ConversationId idle = newConversation();
        ConversationId bots = newConversation();
        List.of(conversation, idle, bots).forEach(c -> rig.arrive(message(c, "m0", 0, "Xin chào")));
        Handoff stale = handoffs.handOff(idle, "long ago").orElseThrow();
        rig.clock.advance(WorkerRig.SETTINGS.handoffIdleTimeout());
        Handoff fresh = handoffs.handOff(conversation, "now").orElseThrow();

        assertEquals(Map.of(conversation, fresh), handoffs.activeAmong(Set.of(conversation, idle, bots)));
        assertEquals(Optional.of(stale), rig.history.handoff(idle), "stored still, only no longer in force");
        assertEquals(Map.of(), handoffs.activeAmong(Set.of()));
    }

    @Test
    void anOperatorsHandoff_isToldOnce_asByAnAdmin() {
        List<String> told = new CopyOnWriteArrayList<>();
        Handoffs reporting = new Handoffs(rig.history, rig.clock, WorkerRig.SETTINGS.handoffIdleTimeout(),
                new LifecycleEvents() {
                    @Override
                    public void handedOff(ConversationId handedOff, Handoff.By by) {
                        told.add(handedOff + " " + by);
                    }
                });
        rig.arrive(message(conversation, "m0", 0, "Xin chào"));

        reporting.handOff(conversation, "first");
        reporting.handOff(conversation, "again");
        reporting.handOff(newConversation(), "unknown");

        assertEquals(List.of(conversation + " ADMIN"), told);
    }

    @Test
    void anOperatorsHandoffIsIdempotent_andAnUnknownConversationIsRefused() {
        rig.arrive(message(conversation, "m0", 0, "Xin chào"));
        Handoff first = handoffs.handOff(conversation, "first").orElseThrow();
        rig.clock.advance(Duration.ofMinutes(5));

        assertEquals(Optional.of(first), handoffs.handOff(conversation, "second"), "the hand-off in force is kept");
        assertEquals(Optional.empty(), handoffs.handOff(newConversation(), "x"));
        assertFalse(handoffs.resume(newConversation()));
    }

    @Test
    void anAnswerWithATransfer_handsOffOnceStored_andTheNextMessageGoesToPeople() throws Exception {
        AiPort transferring = context -> {
            aiCalls.add(context);
            return transfer();
        };
        InboundMessage ask = rig.arrive(message(conversation, "m1", 0, "Cho mình gặp nhân viên"));

        MessageOutcome answered = handle(ask, transferring);

        assertInstanceOf(MessageOutcome.Completed.class, answered);
        assertEquals(1, rig.delivered.size(), "the transfer notice is delivered");
        Handoff handoff = handoffs.active(conversation).orElseThrow();
        assertEquals(Handoff.By.AI, handoff.by());
        assertEquals("customer_request", handoff.reason());

        MessageOutcome next = handle(rig.arrive(message(conversation, "m2", 1_000, "Alo?")), transferring);

        assertInstanceOf(MessageOutcome.HandedOff.class, next);
        assertEquals(1, aiCalls.size(), "no second AI call");
        assertEquals(1, rig.delivered.size());
    }

    @Test
    void aStaleAnswerWithATransfer_handsNothingOff() throws Exception {
        GatedAi ai = new GatedAi();
        InboundMessage first = rig.arrive(message(conversation, "m1", 0, "Cho mình gặp nhân viên"));
        WaitingCaller caller = new WaitingCaller(first.id());
        CompletableFuture<Void> done = CompletableFuture.runAsync(
                () -> rig.worker(ai).run(take(), Optional.of(caller)));
        ai.awaitCall();
        rig.arrive(message(conversation, "m2", 1_000, "À thôi, cho mình đặt lịch"));
        ai.answer(context -> transfer());

        assertInstanceOf(MessageOutcome.RestartNeeded.class, caller.outcome().get(10, TimeUnit.SECONDS));
        ai.awaitCall();
        ai.answer();
        done.get(10, TimeUnit.SECONDS);

        assertEquals(1, rig.history.discardedRuns().size(), "the transfer was discarded");
        assertEquals(Optional.empty(), rig.history.handoff(conversation));
        assertEquals(List.of("answer to [m1, m2]"), rig.delivered.stream().map(d -> d.reply().text()).toList());
    }

    @Test
    void afterTheIdleTimeoutWithNoMessage_theBotAnswersAgain() throws Exception {
        rig.arrive(message(conversation, "m0", 0, "Xin chào"));
        handoffs.handOff(conversation, "");
        Duration idle = WorkerRig.SETTINGS.handoffIdleTimeout();
        rig.clock.advance(idle.minusMinutes(1));
        assertInstanceOf(MessageOutcome.HandedOff.class, handle(rig.arrive(message(conversation, "m1", 1_000, "a"))));

        rig.clock.advance(idle.minusMinutes(1));
        assertInstanceOf(MessageOutcome.HandedOff.class, handle(rig.arrive(message(conversation, "m2", 2_000, "b"))),
                "the idle clock restarted with m1");

        rig.clock.advance(idle);
        MessageOutcome answered = handle(rig.arrive(message(conversation, "m3", 3_000, "c")));

        assertInstanceOf(MessageOutcome.Completed.class, answered);
        assertEquals(Optional.empty(), handoffs.active(conversation));
    }

    @Test
    void aResumedConversation_answersItsNextMessage_withoutWhatPeopleHandled() throws Exception {
        rig.arrive(message(conversation, "m0", 0, "Xin chào"));
        handoffs.handOff(conversation, "");
        handle(rig.arrive(message(conversation, "m1", 1_000, "for the agent")));

        assertTrue(handoffs.resume(conversation));
        MessageOutcome answered = handle(rig.arrive(message(conversation, "m2", 2_000, "back to the bot")));

        assertInstanceOf(MessageOutcome.Completed.class, answered);
        assertEquals(1, aiCalls.size());
        assertEquals(List.of("m2"), aiCalls.getFirst().burst().stream().map(m -> m.id().value()).toList());
        assertTrue(aiCalls.getFirst().history().stream().noneMatch(t -> t.text().equals("for the agent")),
                "what people handled is no turn of the AI's context");
    }

    @Test
    void aResumeAfterThePassReadTheHandoff_getsTheBurstAnsweredByTheBot() throws Exception {
        rig.arrive(message(conversation, "m0", 0, "Xin chào"));
        AtomicBoolean staleReadGiven = new AtomicBoolean();
        // The pass reads a hand-off that an operator resumes before the burst is stored as the people's.
        HistoryPort resumedAfterTheRead = Faults.mapping(HistoryPort.class, rig.history, "raiseFence",
                read -> {
                    FenceRaised fence = (FenceRaised) read;
                    return staleReadGiven.compareAndSet(false, true)
                            ? new FenceRaised(fence.write(), fence.unanswered(), fence.answered(),
                                    Optional.of(Handoff.starting(rig.clock.instant(), Handoff.By.ADMIN, "")),
                                    fence.recentTurns())
                            : fence;
                });
        InboundMessage ask = rig.arrive(message(conversation, "m1", 1_000, "Còn lịch sáng thứ Hai không?"));
        WaitingCaller caller = new WaitingCaller(ask.id());

        rig.worker(rig.locks, rig.state, resumedAfterTheRead, echo, WorkerRig.SETTINGS).run(take(), Optional.of(caller));

        assertTrue(staleReadGiven.get());
        assertInstanceOf(MessageOutcome.Completed.class, caller.outcome().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("answer to [m0, m1]"), rig.delivered.stream().map(d -> d.reply().text()).toList());
    }

    private MessageOutcome handle(InboundMessage message) throws Exception {
        return handle(message, echo);
    }

    private MessageOutcome handle(InboundMessage message, AiPort ai) throws Exception {
        WaitingCaller caller = new WaitingCaller(message.id());
        rig.worker(ai).run(take(), Optional.of(caller));
        return caller.outcome().get(10, TimeUnit.SECONDS);
    }

    private Lease take() {
        return rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
    }

    private static AiReply transfer() {
        return new AiReply("Dạ, em chuyển chị sang nhân viên tư vấn ạ.", "human_handoff", 0.81, Map.of(), "gpt-4o-mini",
                Duration.ofMillis(40), List.of(new Action.TransferToAgent("customer_request", "")));
    }
}
