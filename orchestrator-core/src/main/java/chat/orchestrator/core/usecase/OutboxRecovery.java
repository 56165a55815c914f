package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.PancakePort;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Recovery of the outbox (SPEC step 9, "actions not yet delivered"): an answer stored by a holder that died before
 * delivering it is delivered by whichever instance claims it, with the run's idempotency key, so Pancake can tell
 * it from a new answer. Only answers older than {@code grace} are taken: a live holder delivers (with its retries)
 * well within that.
 */
public final class OutboxRecovery {
    private static final System.Logger LOG = System.getLogger(OutboxRecovery.class.getName());

    private final HistoryPort history;
    private final PancakePort pancake;
    private final Clock clock;
    private final Duration grace;
    private final int batch;

    OutboxRecovery(HistoryPort history, PancakePort pancake, Clock clock, Duration grace, int batch) {
        this.history = history;
        this.pancake = pancake;
        this.clock = clock;
        this.grace = grace;
        this.batch = batch;
    }

    /** One pass; answers how many stored answers it delivered (or tried to). */
    public int redeliverOnce() {
        Instant now = clock.instant();
        // Claimed for as long as a holder may take, so a claimer that dies mid-delivery frees it for another.
        List<Delivery> due = history.claimUndelivered(now.minus(grace), now, grace, batch);
        for (Delivery delivery : due) {
            DeliveryReport report = pancake.deliver(delivery);
            history.recordDelivery(delivery.conversationId(), delivery.runId(), report);
            LOG.log(Level.WARNING, "conversation={0} run={1} answer stored but never delivered: delivered now ({2}/{3})",
                    delivery.conversationId(), delivery.runId(), report.delivered(), report.actions().size());
        }
        return due.size();
    }
}
