package chat.orchestrator.core.contract;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OutboxPort} must guarantee, over the {@link HistoryPort} whose answers fill it. Claims are judged
 * by the store's clock, which the suite sets through {@link Stores#storeClock} before each claim (a test clock
 * in memory, a frozen {@code now()} in a database); answers finish at {@link #T0}, far in the future.
 */
public abstract class OutboxPortContract {
    /** Every answer of this suite finished here, microsecond-precise as stores keep it. */
    protected static final Instant T0 = Instant.parse("2099-03-01T10:00:00.123456Z");
    private static final Duration CLAIM = Duration.ofSeconds(30);

    private HistoryPort history;
    private OutboxPort outbox;
    private OutboxPort otherInstance;
    private Consumer<Instant> storeClock;
    private int messages;

    /**
     * The history and the outbox over one store, emptied for this test; the outbox as another instance opens it
     * on the same store (its own connections, where the store has them); and what sets the store's clock, the
     * one that judges claims, to an instant.
     */
    public record Stores(HistoryPort history, OutboxPort outbox, OutboxPort otherInstance,
                         Consumer<Instant> storeClock) {
    }

    protected abstract Stores freshStores();

    @BeforeEach
    void openStores() {
        Stores stores = freshStores();
        history = stores.history();
        outbox = stores.outbox();
        otherInstance = stores.otherInstance();
        storeClock = stores.storeClock();
    }

    /** The holder's claim made when the store's clock reads {@code storeNow}. */
    private Optional<ClaimedDelivery> claimNext(ConversationId conversation, Instant storeNow) {
        storeClock.accept(storeNow);
        return outbox.claimNext(conversation, CLAIM);
    }

    /** The dispatchers' claim made when the store's clock reads {@code storeNow}. */
    private List<ClaimedDelivery> claimDue(Instant storeNow, int limit) {
        storeClock.accept(storeNow);
        return outbox.claimDue(CLAIM, limit);
    }

    /** Records a message of the conversation and stores an answer to it, as a holder with token 1 does. */
    private AiRun answered(ConversationId conversation, String text, Instant finishedAt, Instant dispatchFrom) {
        InboundMessage message = message(conversation, "m" + (++messages), messages, text);
        history.record(message);
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(message.id()), reply(text),
                finishedAt);
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run, dispatchFrom));
        return run;
    }

    private AiRun answered(ConversationId conversation, String text) {
        return answered(conversation, text, T0, T0);
    }

    /** An answer that hands the conversation to people: its notice, then the transfer; stored, it hands off. */
    private AiRun transferred(ConversationId conversation, Instant finishedAt) {
        InboundMessage message = message(conversation, "m" + (++messages), messages, "Cho mình gặp nhân viên");
        history.record(message);
        AiReply transfer = new AiReply("Dạ em chuyển chị sang nhân viên ạ", "talk_to_human", 0.97, Map.of(),
                "test-model", Duration.ofMillis(42), List.of(new Action.SendMessage("Dạ em chuyển chị sang nhân viên ạ"),
                new Action.TransferToAgent("customer asked for a human", "")));
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(message.id()), transfer,
                finishedAt);
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run, finishedAt));
        return run;
    }

    /** A message received while people have the conversation, stored as theirs (consumed, no answer). */
    private MessageId forPeople(ConversationId conversation, Instant at) {
        InboundMessage message = message(conversation, "m" + (++messages), messages, "Alo, có ai không ạ?");
        history.record(message);
        assertInstanceOf(FencedWrite.Committed.class,
                history.recordHandedOff(conversation, new FencingToken(1), Set.of(message.id()), at));
        return message.id();
    }

    private boolean listed(DeliveryState state, RunId run) {
        return outbox.list(state, 1_000).stream().anyMatch(a -> a.runId().equals(run) && a.state() == state);
    }

    private static DeliveryAttempt attempt(DeliveryState state, Instant at, Instant next, DeliveryReport.Status... actions) {
        List<ActionDelivery> report = new ArrayList<>();
        ActionType[] types = {ActionType.SEND_MESSAGE, ActionType.SEND_QUICK_REPLIES};
        for (int i = 0; i < actions.length; i++) {
            boolean ok = actions[i] == DeliveryReport.Status.DELIVERED;
            report.add(new ActionDelivery(i, types[i], actions[i], ok ? 1 : 2, ok ? "" : "HTTP 503"));
        }
        return new DeliveryAttempt(new DeliveryReport(report), state, next, at, true);
    }

    private static DeliveryAttempt delivered(Instant at) {
        return attempt(DeliveryState.DELIVERED, at, at, DeliveryReport.Status.DELIVERED, DeliveryReport.Status.DELIVERED);
    }

    private List<RunId> claimedRuns(Instant now) {
        return claimDue(now, 100).stream().map(ClaimedDelivery::runId).toList();
    }

    @Test
    void anAnswerKeepsThePageItGoesOutAs_forTheHolderAndForEveryLaterClaim() {
        ConversationId onInstagram = newConversation();
        InboundMessage message = message(onInstagram, "m-page", 0, "Cho mình hỏi lịch khám");
        history.record(message);
        AiRun run = new AiRun(RunId.random(), onInstagram, new FencingToken(1), List.of(message.id()),
                reply("Dạ còn ạ"), T0, Optional.of(new PageId("17841400000000001")));
        assertInstanceOf(FencedWrite.Committed.class, history.recordAnswer(run, T0));
        ConversationId noPage = newConversation();
        AiRun pageless = answered(noPage, "Dạ");

        ClaimedDelivery holders = claimNext(onInstagram, T0).orElseThrow();
        assertEquals(Optional.of(new PageId("17841400000000001")), holders.delivery().pageId());
        assertTrue(outbox.record(holders, attempt(DeliveryState.PENDING, T0, T0.plusSeconds(1),
                DeliveryReport.Status.PENDING, DeliveryReport.Status.PENDING)));
        List<ClaimedDelivery> due = claimDue(T0.plusSeconds(2), 100);

        assertEquals(Optional.of(new PageId("17841400000000001")), due.stream()
                .filter(c -> c.runId().equals(run.id())).findFirst().orElseThrow().delivery().pageId());
        assertEquals(Optional.empty(), due.stream()
                .filter(c -> c.runId().equals(pageless.id())).findFirst().orElseThrow().delivery().pageId());
    }

    /**
     * The holder sends the delivery its commit built (HistoryPort#commitAnswer) instead of reading it back; any later
     * claim rebuilds it from the store. The two must be the same value, so the same bytes go out with the same key
     * whoever sends: the instant cut to microseconds, the processing time to milliseconds, the actions in their
     * order with their data, the entities, the page.
     */
    @Test
    void theDeliveryTheHolderBuildsFromItsCommit_equalsTheOneAClaimRebuildsFromTheStore() {
        ConversationId conversation = newConversation();
        InboundMessage first = message(conversation, "m-first", 1, "Cho mình đặt lịch");
        InboundMessage second = message(conversation, "m-second", 2, "thứ 7 nhé");
        history.record(first);
        history.record(second);
        AiReply reply = new AiReply("Dạ, thứ 7 còn lịch 9h và 14h ạ 🙏", "booking", 0.875,
                Map.of("service", "khám tổng quát", "day", "saturday", "ghi_chú", "\"quoted\" & <b>"), "test-model",
                Duration.ofNanos(1_234_567_891), List.of(
                new Action.SendMessage("Dạ, thứ 7 còn lịch ạ"),
                new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("9h", "14h", "để sau")),
                new Action.CollectInfo("Cho em xin số điện thoại ạ", List.of("phone", "name")),
                new Action.ExecuteApi("book", Map.of("slot", "9h", "day", "saturday"))));
        AiRun run = new AiRun(RunId.random(), conversation, new FencingToken(3), List.of(second.id(), first.id()),
                reply, T0.plusNanos(987_654_321), Optional.of(new PageId("17841400000000001")));
        storeClock.accept(T0.plusSeconds(1));

        CommittedAnswer committed = history.commitAnswer(run, T0.plusSeconds(5), Optional.of(CLAIM));

        assertInstanceOf(FencedWrite.Committed.class, committed.write());
        ClaimedDelivery holders = committed.claim().orElseThrow(() -> new AssertionError("nothing older waits: claimed"));
        assertEquals(T0.plusSeconds(1).plus(CLAIM), holders.claimedUntil(), "by the store's clock");
        assertEquals(Optional.empty(), claimNext(conversation, T0.plusSeconds(2)), "the holder's claim is live");
        assertFalse(claimedRuns(T0.plusSeconds(6)).contains(run.id()), "nor do dispatchers get it while it is");

        ClaimedDelivery rebuilt = claimNext(conversation, T0.plusSeconds(2).plus(CLAIM)).orElseThrow();

        assertEquals(holders.delivery(), rebuilt.delivery());
        assertEquals(run.id().toString(), rebuilt.delivery().idempotencyKey());
        assertEquals(T0.plusNanos(987_654_000), rebuilt.delivery().answeredAt());
        assertEquals(reply.actions(), rebuilt.delivery().actions(), "in their order, with their data");
        assertEquals(reply.entities(), rebuilt.delivery().reply().entities());
        assertEquals(holders.queuedAt(), rebuilt.queuedAt());
        assertEquals(T0.plusNanos(987_654_000), rebuilt.queuedAt());
        assertEquals(holders.attempts(), rebuilt.attempts());
        assertNotEquals(holders.claimToken(), rebuilt.claimToken());
    }

    @Test
    void theCommitClaimsOnlyWhenNothingOlderWaits_andNeverABotAnswerItWouldWithhold() {
        ConversationId conversation = newConversation();
        AiRun older = answered(conversation, "older, still pending");
        InboundMessage message = message(conversation, "m-next", 50, "còn không ạ");
        history.record(message);
        AiRun newer = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(message.id()),
                reply("newer"), T0.plusSeconds(1));
        storeClock.accept(T0.plusSeconds(1));

        CommittedAnswer behind = history.commitAnswer(newer, T0.plusSeconds(1), Optional.of(CLAIM));

        assertInstanceOf(FencedWrite.Committed.class, behind.write());
        assertEquals(Optional.empty(), behind.claim(), "an older answer waits: the backlog's claim takes them in order");
        assertEquals(older.id(), claimNext(conversation, T0.plusSeconds(1)).orElseThrow().runId());

        ConversationId withPeople = newConversation();
        answered(withPeople, "first");
        ClaimedDelivery first = claimNext(withPeople, T0).orElseThrow();
        assertTrue(outbox.record(first, delivered(T0)));
        assertTrue(history.handOff(withPeople, new Handoff(T0, Handoff.By.ADMIN, "operator", T0)));
        InboundMessage later = message(withPeople, "m-later", 60, "alo");
        history.record(later);
        AiRun bot = new AiRun(RunId.random(), withPeople, new FencingToken(1), List.of(later.id()), reply("bot"),
                T0.plusSeconds(2));

        CommittedAnswer stored = history.commitAnswer(bot, T0.plusSeconds(2), Optional.of(CLAIM));

        assertInstanceOf(FencedWrite.Committed.class, stored.write());
        assertEquals(Optional.empty(), stored.claim(), "the claim would withhold it: left to claimNext, which does");
        assertEquals(Optional.empty(), claimNext(withPeople, T0.plusSeconds(2)));
        assertTrue(listed(DeliveryState.WITHHELD, bot.id()));

        ConversationId refused = newConversation();
        InboundMessage once = message(refused, "m-once", 70, "hi");
        history.record(once);
        history.raiseFence(refused, new FencingToken(5));
        AiRun stale = new AiRun(RunId.random(), refused, new FencingToken(4), List.of(once.id()), reply("stale"), T0);
        CommittedAnswer staleWrite = history.commitAnswer(stale, T0, Optional.of(CLAIM));
        assertInstanceOf(FencedWrite.Refused.class, staleWrite.write());
        assertEquals(Optional.empty(), staleWrite.claim());
        assertEquals(Optional.empty(), claimNext(refused, T0), "a refused answer queues nothing");
    }

    @Test
    void aFreshAnswerIsItsHoldersAtOnce_andTheDispatchersOnlyFromDispatchFrom() {
        ConversationId conversation = newConversation();
        AiRun run = answered(conversation, "Dạ còn ạ 🙏", T0, T0.plusSeconds(10));

        assertFalse(claimedRuns(T0.plusSeconds(1)).contains(run.id()), "not due for dispatchers yet");
        ClaimedDelivery claim = claimNext(conversation, T0.plusSeconds(1)).orElseThrow();

        assertEquals(run.id(), claim.runId());
        assertEquals(run.id().toString(), claim.delivery().idempotencyKey());
        assertEquals(conversation, claim.delivery().conversationId());
        assertEquals(run.fencingToken(), claim.delivery().fencingToken());
        assertEquals(run.reply(), claim.delivery().reply(), "the answer exactly as stored");
        assertEquals(T0, claim.delivery().answeredAt());
        assertEquals(Set.of(), claim.delivery().deliveredActions());
        assertEquals(0, claim.attempts());
        assertEquals(T0, claim.queuedAt(), "the horizon starts when the answer was made");
        assertEquals(T0.plusSeconds(1).plus(CLAIM), claim.claimedUntil());

        ConversationId other = newConversation();
        AiRun unclaimed = answered(other, "for a dispatcher", T0, T0.plusSeconds(10));
        assertTrue(claimedRuns(T0.plusSeconds(10)).contains(unclaimed.id()), "due for dispatchers from dispatchFrom");
    }

    @Test
    void aClaimIsExclusiveUntilItRunsOut_andALostClaimRecordsNothing() {
        ConversationId conversation = newConversation();
        AiRun run = answered(conversation, "Dạ");
        ClaimedDelivery first = claimNext(conversation, T0).orElseThrow();

        assertTrue(claimNext(conversation, T0.plusSeconds(1)).isEmpty(), "claimed: not handed out twice");
        assertFalse(claimedRuns(T0.plusSeconds(1)).contains(run.id()));

        ClaimedDelivery second = claimDue(first.claimedUntil().plusSeconds(1), 100).stream()
                .filter(c -> c.runId().equals(run.id())).findFirst().orElseThrow(
                        () -> new AssertionError("a claim that ran out (its claimer died) is handed out again"));
        assertNotEquals(first.claimToken(), second.claimToken());
        assertEquals(first.delivery(), second.delivery(), "same key, same bytes from any claimer");
        assertFalse(outbox.record(first, delivered(T0.plusSeconds(40))), "the first claimer lost it: nothing written");
        assertFalse(outbox.renew(first, CLAIM));
        assertTrue(outbox.record(second, delivered(T0.plusSeconds(41))));
        assertTrue(claimNext(conversation, T0.plusSeconds(200)).isEmpty(), "delivered: nothing left");
        assertFalse(claimedRuns(T0.plus(Duration.ofDays(1))).contains(run.id()));
    }

    /**
     * Issue 19, hole 6: claims were judged by each caller's clock, so an instance whose clock ran a minute ahead took
     * a live claim and both sent the answer. The port takes no caller time for claims: the store's clock judges.
     */
    @Test
    void aClaimIsJudgedByTheStoresClock_soAnInstanceWhoseClockRunsAheadCannotTakeALiveOne() {
        ConversationId conversation = newConversation();
        AiRun run = answered(conversation, "Dạ");
        ClaimedDelivery mine = claimNext(conversation, T0).orElseThrow();
        assertEquals(T0.plus(CLAIM), mine.claimedUntil(), "the claim ends by the store's clock");

        // The other instance's clock reads T0 + 60 s, past the claim's end; the store's reads T0 + 1 s.
        storeClock.accept(T0.plusSeconds(1));
        assertFalse(otherInstance.claimDue(CLAIM, 100).stream().anyMatch(c -> c.runId().equals(run.id())),
                "a live claim is not taken by an instance whose clock runs ahead");
        assertTrue(otherInstance.claimNext(conversation, CLAIM).isEmpty());
        assertTrue(outbox.renew(mine, CLAIM), "renewed from the store's now: until T0 + 31 s");

        storeClock.accept(T0.plusSeconds(30));
        assertTrue(otherInstance.claimNext(conversation, CLAIM).isEmpty(), "still live by the store's clock");
        storeClock.accept(T0.plusSeconds(31));
        ClaimedDelivery taken = otherInstance.claimNext(conversation, CLAIM).orElseThrow(
                () -> new AssertionError("ran out by the store's clock: another instance takes it"));
        assertEquals(T0.plusSeconds(31).plus(CLAIM), taken.claimedUntil());
        assertFalse(outbox.record(mine, delivered(T0.plusSeconds(31))), "the first holder lost it");
    }

    @Test
    void aRenewedClaimOutlivesItsFirstExpiry() {
        ConversationId conversation = newConversation();
        AiRun run = answered(conversation, "Dạ");
        ClaimedDelivery claim = claimNext(conversation, T0).orElseThrow();

        assertTrue(outbox.renew(claim, Duration.ofSeconds(100)));

        assertFalse(claimedRuns(T0.plusSeconds(60)).contains(run.id()), "renewed until +100 s");
        assertTrue(outbox.record(claim, delivered(T0.plusSeconds(61))), "a renewed claim is still this claim's");
        assertFalse(outbox.renew(claim, CLAIM), "a recorded attempt ends the claim");
    }

    @Test
    void answersOfAConversationGoOutOneAtATime_inCommitOrder() {
        ConversationId conversation = newConversation();
        // The second answer's clock says it finished earlier (another instance, a skewed clock): commit order wins.
        AiRun first = answered(conversation, "first", T0, T0);
        AiRun second = answered(conversation, "second", T0.minusSeconds(5), T0.minusSeconds(5));

        List<RunId> due = claimedRuns(T0.plusSeconds(1));
        assertTrue(due.contains(first.id()));
        assertFalse(due.contains(second.id()), "the newer answer waits while the older one is undelivered");
        assertTrue(claimNext(conversation, T0.plusSeconds(1)).isEmpty(),
                "the holder of the newer answer cannot pass the older one either");
    }

    @Test
    void theHolderTakesTheOlderAnswerFirst_andAFailedOneBacksOffWithWhatWasDelivered() {
        ConversationId conversation = newConversation();
        AiRun older = answered(conversation, "older");
        AiRun newer = answered(conversation, "newer");

        ClaimedDelivery claim = claimNext(conversation, T0).orElseThrow();
        assertEquals(older.id(), claim.runId(), "the oldest undelivered answer of the conversation first");
        assertTrue(outbox.record(claim, attempt(DeliveryState.PENDING, T0, T0.plusSeconds(60),
                DeliveryReport.Status.DELIVERED, DeliveryReport.Status.PENDING)));

        assertTrue(claimNext(conversation, T0.plusSeconds(30)).isEmpty(),
                "backing off: neither the holder nor a dispatcher sends before it is due");
        List<RunId> early = claimedRuns(T0.plusSeconds(30));
        assertFalse(early.contains(older.id()));
        assertFalse(early.contains(newer.id()), "and the newer one still waits behind it");

        ClaimedDelivery again = claimDue(T0.plusSeconds(60), 100).stream()
                .filter(c -> c.runId().equals(older.id())).findFirst().orElseThrow();
        assertEquals(1, again.attempts());
        assertEquals(Set.of(0), again.delivery().deliveredActions(), "what was delivered is not sent again");
        assertEquals(older.id().toString(), again.delivery().idempotencyKey());
        assertTrue(outbox.record(again, delivered(T0.plusSeconds(61))));

        ClaimedDelivery next = claimNext(conversation, T0.plusSeconds(61)).orElseThrow();
        assertEquals(newer.id(), next.runId());
    }

    @Test
    void aDeliveredOrSkippedActionStaysSo_whateverALaterAttemptReports() {
        ConversationId conversation = newConversation();
        AiRun partly = answered(conversation, "delivered in part");
        ClaimedDelivery claim = claimNext(conversation, T0).orElseThrow();
        assertTrue(outbox.record(claim, attempt(DeliveryState.PENDING, T0, T0.plusSeconds(1),
                DeliveryReport.Status.DELIVERED, DeliveryReport.Status.PENDING)));

        // A later attempt that cannot tell what went out (it threw, or was cut short) reports every action pending.
        claim = claimNext(conversation, T0.plusSeconds(1)).orElseThrow();
        assertTrue(outbox.record(claim, attempt(DeliveryState.PENDING, T0.plusSeconds(1), T0.plusSeconds(2),
                DeliveryReport.Status.PENDING, DeliveryReport.Status.PENDING)));
        claim = claimNext(conversation, T0.plusSeconds(2)).orElseThrow();
        assertEquals(Set.of(0), claim.delivery().deliveredActions(), "the customer has action 0: never sent again");

        assertTrue(outbox.record(claim, attempt(DeliveryState.DEAD_LETTER, T0.plusSeconds(2), T0.plusSeconds(2),
                DeliveryReport.Status.DEAD_LETTER, DeliveryReport.Status.DEAD_LETTER)));
        assertTrue(history.recentTurns(conversation, 20).stream().anyMatch(t -> t.role() == Turn.Role.BOT
                && t.text().equals(partly.reply().text())), "an answer the customer has in part stays a bot turn");

        ConversationId skipping = newConversation();
        answered(skipping, "nothing to send for its first action");
        claim = claimNext(skipping, T0).orElseThrow();
        assertTrue(outbox.record(claim, attempt(DeliveryState.PENDING, T0, T0.plusSeconds(1),
                DeliveryReport.Status.SKIPPED, DeliveryReport.Status.PENDING)));
        claim = claimNext(skipping, T0.plusSeconds(1)).orElseThrow();
        assertTrue(outbox.record(claim, attempt(DeliveryState.PENDING, T0.plusSeconds(1), T0.plusSeconds(2),
                DeliveryReport.Status.PENDING, DeliveryReport.Status.PENDING)));
        assertEquals(Set.of(0), claimNext(skipping, T0.plusSeconds(2)).orElseThrow()
                .delivery().deliveredActions(), "a skipped action stays skipped");
    }

    @Test
    void deadLettersAndRejectionsAreListedCountedAndRetriedWithTheSameKey_andNeverBlockNewerAnswers() {
        ConversationId conversation = newConversation();
        AiRun dead = answered(conversation, "dead");
        AiRun rejected = answered(conversation, "rejected");
        AiRun fine = answered(conversation, "fine");
        long deadBefore = outbox.count(DeliveryState.DEAD_LETTER);
        long rejectedBefore = outbox.count(DeliveryState.REJECTED);

        ClaimedDelivery claim = claimNext(conversation, T0).orElseThrow();
        assertTrue(outbox.record(claim, attempt(DeliveryState.DEAD_LETTER, T0.plusSeconds(1), T0.plusSeconds(1),
                DeliveryReport.Status.DEAD_LETTER, DeliveryReport.Status.DEAD_LETTER)));
        claim = claimNext(conversation, T0.plusSeconds(2)).orElseThrow();
        assertEquals(rejected.id(), claim.runId(), "a dead letter no longer holds the conversation's newer answers");
        assertTrue(outbox.record(claim, attempt(DeliveryState.REJECTED, T0.plusSeconds(3), T0.plusSeconds(3),
                DeliveryReport.Status.REJECTED, DeliveryReport.Status.PENDING)));
        assertEquals(fine.id(), claimNext(conversation, T0.plusSeconds(4)).orElseThrow().runId());

        assertEquals(deadBefore + 1, outbox.count(DeliveryState.DEAD_LETTER));
        assertEquals(rejectedBefore + 1, outbox.count(DeliveryState.REJECTED));
        UndeliveredAnswer listed = outbox.list(DeliveryState.DEAD_LETTER, 1_000).stream()
                .filter(a -> a.runId().equals(dead.id())).findFirst().orElseThrow();
        assertEquals(conversation, listed.conversationId());
        assertEquals(DeliveryState.DEAD_LETTER, listed.state());
        assertEquals(List.of(ActionType.SEND_MESSAGE, ActionType.SEND_QUICK_REPLIES), listed.actions());
        assertEquals(1, listed.attempts());
        assertEquals("HTTP 503", listed.lastError());
        assertEquals(T0, listed.queuedAt());
        assertTrue(outbox.list(DeliveryState.REJECTED, 1_000).stream().anyMatch(a -> a.runId().equals(rejected.id())));

        Instant retryAt = T0.plus(Duration.ofDays(2));
        assertTrue(outbox.retry(dead.id(), retryAt));
        assertFalse(outbox.retry(dead.id(), retryAt), "pending again: nothing to retry");
        assertFalse(outbox.retry(RunId.random(), retryAt));
        ClaimedDelivery retried = claimDue(retryAt, 1_000).stream()
                .filter(c -> c.runId().equals(dead.id())).findFirst().orElseThrow();
        assertEquals(dead.id().toString(), retried.delivery().idempotencyKey());
        assertEquals(retryAt, retried.queuedAt(), "an operator's retry starts a new horizon");
        assertEquals(deadBefore, outbox.count(DeliveryState.DEAD_LETTER));
        assertTrue(outbox.retry(rejected.id(), retryAt));
    }

    @Test
    void anAnswerThatEndedWithNothingDelivered_isNoBotTurn_butOneDeliveredInPartOrStillDueIs() {
        ConversationId conversation = newConversation();
        AiRun lost = answered(conversation, "never arrived");
        AiRun partly = answered(conversation, "arrived in part");
        AiRun due = answered(conversation, "still due");

        ClaimedDelivery claim = claimNext(conversation, T0).orElseThrow();
        assertEquals(lost.id(), claim.runId());
        outbox.record(claim, attempt(DeliveryState.DEAD_LETTER, T0, T0,
                DeliveryReport.Status.DEAD_LETTER, DeliveryReport.Status.DEAD_LETTER));
        claim = claimNext(conversation, T0).orElseThrow();
        assertEquals(partly.id(), claim.runId());
        outbox.record(claim, attempt(DeliveryState.REJECTED, T0, T0,
                DeliveryReport.Status.DELIVERED, DeliveryReport.Status.REJECTED));

        List<String> bot = history.recentTurns(conversation, 20).stream()
                .filter(t -> t.role() == Turn.Role.BOT).map(Turn::text).toList();
        assertEquals(List.of("arrived in part", "still due"), bot);
        assertEquals(3, history.recentTurns(conversation, 20).stream().filter(t -> t.role() == Turn.Role.CUSTOMER).count(),
                "all three customer messages stay");
        assertEquals(due.reply().text(), bot.getLast());
    }

    @Test
    void racingClaimersTakeEachHeadOnce_andNeverTwoAnswersOfOneConversation() throws Exception {
        List<ConversationId> conversations = new ArrayList<>();
        Set<RunId> heads = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ConversationId conversation = newConversation();
            conversations.add(conversation);
            heads.add(answered(conversation, "head " + i).id());
            answered(conversation, "behind " + i);
        }
        Set<ConversationId> ours = Set.copyOf(conversations);
        storeClock.accept(T0.plusSeconds(1));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<ClaimedDelivery> claimed = new ArrayList<>();
        try {
            List<Future<List<ClaimedDelivery>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<ClaimedDelivery> mine = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        mine.addAll(outbox.claimDue(CLAIM, 3));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<ClaimedDelivery>> result : results) {
                claimed.addAll(result.get());
            }
        } finally {
            pool.shutdownNow();
        }

        List<RunId> ourClaims = claimed.stream()
                .filter(c -> ours.contains(c.delivery().conversationId())).map(ClaimedDelivery::runId).toList();
        assertEquals(ourClaims.size(), new HashSet<>(ourClaims).size(), "no answer claimed twice");
        assertEquals(heads, new HashSet<>(ourClaims), "every conversation's head, and only heads");
    }

    @Test
    void aBotAnswerOfAConversationWithPeopleIsWithheldNotClaimed_butTheTransferGoesOut_andResumeThenRetrySendsIt() {
        ConversationId conversation = newConversation();
        AiRun first = answered(conversation, "backing off during the outage");
        AiRun second = answered(conversation, "behind it");
        AiRun transfer = transferred(conversation, T0);
        long withheldBefore = outbox.count(DeliveryState.WITHHELD);
        assertTrue(history.handoff(conversation).isPresent(), "the transfer's hand-off is stored with it");

        ClaimedDelivery claim = claimNext(conversation, T0.plusSeconds(1)).orElseThrow();
        assertEquals(transfer.id(), claim.runId(), "both bot answers are withheld in the claim; the transfer heads");
        assertTrue(listed(DeliveryState.WITHHELD, first.id()));
        assertTrue(listed(DeliveryState.WITHHELD, second.id()));
        assertEquals(withheldBefore + 2, outbox.count(DeliveryState.WITHHELD));
        assertTrue(outbox.record(claim, delivered(T0.plusSeconds(2))));

        // An operator's retry while people still have it: the next claim withholds it again.
        assertTrue(outbox.retry(first.id(), T0.plusSeconds(3)));
        assertFalse(claimedRuns(T0.plusSeconds(4)).contains(first.id()));
        assertTrue(listed(DeliveryState.WITHHELD, first.id()));

        assertTrue(history.resume(conversation));
        assertTrue(outbox.retry(first.id(), T0.plusSeconds(5)));
        assertEquals(first.id(), claimNext(conversation, T0.plusSeconds(6)).orElseThrow().runId(),
                "resumed, then retried: it goes out");
        assertFalse(listed(DeliveryState.WITHHELD, first.id()));
    }

    @Test
    void theDispatchersClaimWithholdsABotAnswerOfAConversationAnOperatorHandedOff_whateverItsIdleTime() {
        ConversationId handedOff = newConversation();
        ConversationId withTheBot = newConversation();
        AiRun waiting = answered(handedOff, "due after a backoff");
        AiRun other = answered(withTheBot, "someone else's answer");
        // Long idle: the stored hand-off still withholds (an operator resumes to send it).
        assertTrue(history.handOff(handedOff, Handoff.starting(T0.minus(Duration.ofDays(30)), Handoff.By.ADMIN,
                "an agent took the conversation over")));

        List<RunId> claimed = claimedRuns(T0.plusSeconds(1));
        assertFalse(claimed.contains(waiting.id()));
        assertTrue(claimed.contains(other.id()));
        assertTrue(listed(DeliveryState.WITHHELD, waiting.id()));
        assertEquals(Optional.empty(), claimNext(handedOff, T0.plusSeconds(2)));
    }

    @Test
    void aTransferThatNeverReachedPancake_liftsItsHandoff_andWhatPeopleGotSinceIsUnansweredAgain() {
        ConversationId conversation = newConversation();
        // An earlier hand-off, ended by an operator: its burst stays consumed.
        InboundMessage first = message(conversation, "m" + (++messages), messages, "Chị cần gặp người thật");
        history.record(first);
        assertTrue(history.handOff(conversation, Handoff.starting(T0.minusSeconds(100), Handoff.By.ADMIN, "earlier")));
        assertInstanceOf(FencedWrite.Committed.class, history.recordHandedOff(conversation, new FencingToken(1),
                Set.of(first.id()), T0.minusSeconds(90)));
        MessageId earlier = first.id();
        assertTrue(history.resume(conversation));
        AiRun transfer = transferred(conversation, T0);
        MessageId meanwhile = forPeople(conversation, T0.plusSeconds(5));
        assertEquals(List.of(), history.unanswered(conversation, 10));

        ClaimedDelivery claim = claimNext(conversation, T0.plusSeconds(10)).orElseThrow();
        assertEquals(transfer.id(), claim.runId());
        assertEquals(OutboxPort.Recorded.HANDOFF_LIFTED, outbox.recordAttempt(claim, attempt(DeliveryState.DEAD_LETTER,
                T0.plusSeconds(11), T0.plusSeconds(11), DeliveryReport.Status.DEAD_LETTER,
                DeliveryReport.Status.DEAD_LETTER)));

        assertEquals(Optional.empty(), history.handoff(conversation), "no person was told: the bot has it again");
        assertEquals(List.of(meanwhile), history.unanswered(conversation, 10).stream().map(InboundMessage::id).toList());
        assertEquals(Set.of(earlier), history.answeredAmong(conversation, Set.of(earlier, meanwhile)));
    }

    @Test
    void anOperatorsHandoffAfterTheTransfer_staysWhenTheTransferIsRejected() {
        ConversationId conversation = newConversation();
        AiRun transfer = transferred(conversation, T0);
        Handoff operators = Handoff.starting(T0.plusSeconds(3), Handoff.By.ADMIN, "an agent took it");
        assertTrue(history.handOff(conversation, operators));
        MessageId meanwhile = forPeople(conversation, T0.plusSeconds(5));

        ClaimedDelivery claim = claimNext(conversation, T0.plusSeconds(10)).orElseThrow();
        assertEquals(transfer.id(), claim.runId());
        assertEquals(OutboxPort.Recorded.RECORDED, outbox.recordAttempt(claim, attempt(DeliveryState.REJECTED,
                T0.plusSeconds(11), T0.plusSeconds(11), DeliveryReport.Status.DELIVERED, DeliveryReport.Status.REJECTED)));

        assertEquals(Optional.of(Handoff.By.ADMIN), history.handoff(conversation).map(Handoff::by));
        assertEquals(List.of(), history.unanswered(conversation, 10));
        assertEquals(Set.of(meanwhile), history.answeredAmong(conversation, Set.of(meanwhile)));
    }

    @Test
    void nothingIsDueInAnEmptyConversation() {
        assertEquals(Optional.empty(), claimNext(newConversation(), T0));
    }
}
