package chat.orchestrator.core.port;

/**
 * Where an answer's delivery stands in the outbox. Only PENDING answers are ever sent; the others are final until
 * an operator retries a DEAD_LETTER, REJECTED or WITHHELD one.
 */
public enum DeliveryState {
    /** Not delivered yet: due now or after a backoff. */
    PENDING,
    /** Every action reached Pancake (or had nothing to send). */
    DELIVERED,
    /** Pancake refused it for good (auth, a permanent 4xx); resending it unchanged cannot succeed. */
    REJECTED,
    /** Still undelivered at the delivery horizon; kept for an operator. */
    DEAD_LETTER,
    /**
     * Not sent because people have the conversation: a bot answer still undelivered when its conversation was handed
     * off (an operator's hand-off, or the AI's own transfer) would reach the customer long after an agent took over.
     * Set by the claim ({@link OutboxPort#claimDue}, {@link OutboxPort#claimNext}); an operator resumes the
     * conversation and then retries it to send it after all.
     */
    WITHHELD
}
