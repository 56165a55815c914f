package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.Turn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable history: messages (dedup that survives restarts), AI runs, and the actions to deliver. Every write of a
 * holder is fenced: it happens only if the holder's token is at least the highest the conversation has seen,
 * checked and recorded in the same transaction. Throws {@link StoreUnavailableException} when unreachable.
 */
public interface HistoryPort {

    /** Records the message once per (conversation, message id) and says whether it was new. */
    RecordOutcome record(InboundMessage message);

    /**
     * The conversation's last {@code maxTurns} turns, oldest first: customer messages that were answered and the
     * answers really sent: never a discarded one, nor one whose recorded delivery reached the customer with none of
     * its actions (an answer still being delivered counts).
     */
    List<Turn> recentTurns(ConversationId conversationId, int maxTurns);

    /** Those of {@code ids} that an answer has already consumed. */
    Set<MessageId> answeredAmong(ConversationId conversationId, Set<MessageId> ids);

    /** Stores a run whose answer went stale, so the cost is visible; never part of the context afterwards. */
    FencedWrite recordDiscarded(AiRun run);

    /**
     * Stores the run, marks its messages answered and queues its actions for delivery, in one transaction.
     * Refused if the run's token is stale or if any of its messages was already answered.
     */
    FencedWrite recordAnswer(AiRun run);

    /** Records how delivering the run's actions went (status, attempts and last error per action). */
    void recordDelivery(ConversationId conversationId, RunId runId, DeliveryReport report);

    /**
     * The outbox's recovery: up to {@code limit} answers stored before {@code answeredBefore} whose delivery was never
     * recorded (their holder died between storing and delivering) and that nobody has claimed past {@code now};
     * each is claimed until {@code now + claimFor} in the same step, so instances share them without delivering one
     * twice at once. Delivered again with the same idempotency key, so Pancake can recognise a repeat.
     */
    List<Delivery> claimUndelivered(Instant answeredBefore, Instant now, Duration claimFor, int limit);

    /** The last recorded delivery report of a run, if its delivery was recorded. */
    Optional<DeliveryReport> delivery(ConversationId conversationId, RunId runId);

    /**
     * Recovery: up to {@code limit} messages recorded before {@code cutoff} that no stored answer has consumed, oldest
     * record first. The sweeper puts them back into the pending set when the state store has lost them (Redis
     * restarted empty, or a pending set expired while the AI was down).
     */
    List<InboundMessage> unansweredRecordedBefore(Instant cutoff, int limit);

    /** The answer that covered a message, if it was answered. */
    Optional<AiReply> answerFor(ConversationId conversationId, MessageId messageId);
}
