package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.RunId;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The lifecycle counters as Prometheus scrapes them: a lifted hand-off is counted apart from the hand-offs made. */
class LifecycleMetricsTest {

    @Test
    void aLiftedHandoffIsCountedOnce_apartFromTheHandoffsMade() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LifecycleMetrics metrics = new LifecycleMetrics(registry, "test-model");
        assertTrue(registry.scrape().contains("orchestrator_handoffs_lifted_total 0.0"), registry.scrape());

        ConversationId conversation = ConversationId.of("conv_lifted");
        metrics.handedOff(conversation, Handoff.By.AI);
        metrics.handoffLifted(conversation, RunId.random(), DeliveryState.REJECTED);

        String scrape = registry.scrape();
        assertTrue(scrape.contains("orchestrator_handoffs_lifted_total 1.0"), scrape);
        assertTrue(scrape.contains("orchestrator_handoffs_total{by=\"ai\"} 1.0"), scrape);
    }
}
