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
 */
public interface OutboxPort {

    /**
     * Claims until {@code now + claimFor} up to {@code limit} answers that head their conversation's outbox, are due
     * ({@code nextAttemptAt} not after {@code now}) and are not claimed by anyone else; oldest due first.
     */
    List<ClaimedDelivery> claimDue(Instant now, Duration claimFor, int limit);

    /**
     * The holder's claim: the conversation's oldest undelivered answer, if nobody else holds a live claim on it and
     * it is either due or never tried (a fresh answer is its holder's to send at once, before it is due for the
     * dispatchers). Empty when there is none, or it is another's or backing off.
     */
    Optional<ClaimedDelivery> claimNext(ConversationId conversationId, Instant now, Duration claimFor);

    /** Extends a live claim to {@code until}; false if it is no longer this claim's (it ran out and was taken). */
    boolean renew(ClaimedDelivery claim, Instant until);

    /**
     * Records the attempt and ends the claim, if it is still this claim's: the answer's state, attempts, last error
     * and next due time, and per action its status, attempts added and last error. False (nothing written) if the
     * claim was lost meanwhile.
     * <p>
     * A stored DELIVERED or SKIPPED action status is final: a later attempt's report never turns it back into
     * PENDING (or any other status), so {@link Delivery#deliveredActions()} only grows. An attempt that threw or was
     * cut short cannot tell what it sent and reports such actions PENDING; taken at its word, an adapter that sends
     * action by action would send the customer the same text again.
     */
    boolean record(ClaimedDelivery claim, DeliveryAttempt attempt);

    /** Answers in {@code state}, most recently updated first, for operators. */
    List<UndeliveredAnswer> list(DeliveryState state, int limit);

    /** How many answers are in {@code state}. */
    long count(DeliveryState state);

    /**
     * An operator's retry: a DEAD_LETTER or REJECTED answer becomes PENDING again, due at {@code now}, its horizon
     * starting over at {@code now}; same run, same idempotency key. False if the run is not in one of those states.
     */
    boolean retry(RunId runId, Instant now);
}
