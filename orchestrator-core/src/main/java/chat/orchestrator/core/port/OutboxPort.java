package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outbox: answers stored by {@link HistoryPort#recordAnswer} wait here until Pancake has them. Per conversation
 * only the oldest undelivered answer (in commit order) can be claimed, and by one claimer at a time, so answers go
 * out one after another and in order, from any instance. Claims expire, so a claimer that dies frees its answer.
 * Each method is one atomic operation in the store that holds the history; throws
 * {@link StoreUnavailableException} when it cannot be reached.
 * <p>
 * Which clock judges what: claims are judged by the store's clock alone. Claiming, renewing and whether a claim
 * ran out read the store's time, and {@link ClaimedDelivery#claimedUntil()} is the store's time, so instances
 * whose clocks disagree still agree on whose a claim is; no caller passes its own time for a claim (an instance
 * whose clock ran a minute ahead took live claims and both sent the answer). Whether an answer is due compares
 * its {@code nextAttemptAt} with the store's clock too; the due times themselves are written by callers (the
 * dispatcher's clock in {@link DeliveryAttempt#nextAttemptAt()}, {@code dispatchFrom} in
 * {@link HistoryPort#recordAnswer}, an operator's {@link #retry}), so a skewed caller only makes a backoff
 * shorter or longer by its skew, never makes two claimers.
 */
public interface OutboxPort {

    /**
     * Claims for {@code claimFor} of the store's time up to {@code limit} answers that head their conversation's
     * outbox, are due ({@code nextAttemptAt} not after the store's now) and are not claimed by anyone else (no claim,
     * or one that ran out by the store's clock); oldest due first.
     * <p>
     * A head that would be claimed but belongs to a conversation handed to people is withheld instead, in the same
     * step (see {@link DeliveryState#WITHHELD}): when the conversation has a stored hand-off
     * ({@link HistoryPort#handoff} present: the stored one, whatever its idle time, so an operator decides by resuming)
     * and the answer carries no {@code transfer_to_agent} action (the AI's own transfer notice still goes out), it
     * becomes WITHHELD, and the conversation's next pending answer heads it and is judged the same way.
     */
    List<ClaimedDelivery> claimDue(Duration claimFor, int limit);

    /**
     * The holder's claim, for {@code claimFor} of the store's time: the conversation's oldest undelivered answer, if
     * nobody else holds a live claim on it (by the store's clock) and it is either due or never tried (a fresh answer
     * is its holder's to send at once, before it is due for the dispatchers). Empty when there is none, or it is
     * another's or backing off. A head of a conversation handed to people is withheld as in {@link #claimDue}, and
     * the next one judged in its place.
     */
    Optional<ClaimedDelivery> claimNext(ConversationId conversationId, Duration claimFor);

    /**
     * Extends a live claim to the store's now plus {@code claimFor}; false if it is no longer this claim's (it ran
     * out and was taken, or its attempt was recorded).
     */
    boolean renew(ClaimedDelivery claim, Duration claimFor);

    /**
     * Records the attempt and ends the claim, if it is still this claim's: the answer's state, attempts, last error
     * and next due time, and per action its status, attempts added and last error. False (nothing written) if the
     * claim was lost meanwhile.
     * <p>
     * A stored DELIVERED or SKIPPED action status is final: a later attempt's report never turns it back into
     * PENDING (or any other status), so {@link Delivery#deliveredActions()} only grows. An attempt that threw or was
     * cut short cannot tell what it sent and reports such actions PENDING; taken at its word, an adapter that sends
     * action by action would send the customer the same text again.
     * <p>
     * A transfer answer (one with a {@code transfer_to_agent} action) whose delivery ends REJECTED or DEAD_LETTER with
     * its transfer action not delivered told no person: in the same step the hand-off it made is lifted, if the stored
     * hand-off is still that one (by the AI, {@code since} the run's {@code finishedAt}; a later operator's hand-off
     * stays), and the messages recorded for people under it ({@link HistoryPort#recordHandedOff}) become unanswered
     * again, so the bot answers them. Said by {@link Recorded#HANDOFF_LIFTED}.
     */
    Recorded recordAttempt(ClaimedDelivery claim, DeliveryAttempt attempt);

    /** {@link #recordAttempt}, said as whether it wrote anything: false if the claim was lost meanwhile. */
    default boolean record(ClaimedDelivery claim, DeliveryAttempt attempt) {
        return recordAttempt(claim, attempt) != Recorded.LOST;
    }

    /** What {@link #recordAttempt} came to. */
    enum Recorded {
        /** The claim was lost meanwhile (it ran out and was taken, or its attempt was recorded): nothing written. */
        LOST,
        /** The attempt was recorded. */
        RECORDED,
        /** The attempt was recorded, and ended a transfer answer that reached no one: its hand-off was lifted. */
        HANDOFF_LIFTED
    }

    /** Answers in {@code state}, most recently updated first, for operators. */
    List<UndeliveredAnswer> list(DeliveryState state, int limit);

    /** How many answers are in {@code state}. */
    long count(DeliveryState state);

    /**
     * An operator's retry: a DEAD_LETTER, REJECTED or WITHHELD answer becomes PENDING again, due at {@code now} (the
     * operator's clock; due is judged by the store's), its horizon starting over at {@code now}; same run, same
     * idempotency key. False if the run is not in one of those states. A WITHHELD answer of a conversation people
     * still have is withheld again by the next claim: resume the conversation first, then retry.
     */
    boolean retry(RunId runId, Instant now);
}
