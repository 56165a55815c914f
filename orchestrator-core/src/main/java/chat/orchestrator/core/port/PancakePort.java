package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.DeliveryReport;

/**
 * Sends an answer's actions to Pancake. Retries with backoff are the adapter's business; the report says, per
 * action, what finally happened and how many attempts it took. Never throws for a delivery failure.
 */
public interface PancakePort {

    DeliveryReport deliver(Delivery delivery);
}
