package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.PancakePort;
import java.lang.System.Logger.Level;

/**
 * The embedded default's Pancake: logs what it would send and reports every action delivered. Action types and
 * the idempotency key at INFO; the text only at DEBUG, since message bodies do not belong in INFO logs.
 */
public final class LoggingPancake implements PancakePort {
    private static final System.Logger LOG = System.getLogger(LoggingPancake.class.getName());

    @Override
    public DeliveryReport deliver(Delivery delivery) {
        LOG.log(Level.INFO, "pancake (logging only) conversation={0} idempotency_key={1} actions={2}",
                delivery.conversationId(), delivery.idempotencyKey(),
                delivery.actions().stream().map(a -> a.type().wireName()).toList());
        LOG.log(Level.DEBUG, () -> "pancake (logging only) text: " + delivery.reply().text());
        return DeliveryReport.everyActionDelivered(delivery.actions());
    }
}
