package chat.orchestrator.app;

import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.redis.RedisPoolFigures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's Prometheus registry: JVM basics at creation, then the pools and the outbox as the composition root
 * binds them, scraped by {@code GET /metrics}. Micrometer rather than Helidon's metrics: HikariCP, commons-pool and the
 * JVM have ready binders for it, and the inbound server only needs the scrape text. Close it to stop the GC listener.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text (format 0.0.4) of every meter now. */
    String scrape() {
        return registry.scrape();
    }

    /**
     * Answers waiting for delivery, dead letters and withheld answers, counted in the outbox's store at each scrape; a store that
     * cannot be reached reads as NaN (no sample) rather than failing the scrape.
     */
    void watchOutbox(OutboxPort outbox) {
        gauge("orchestrator.outbox.due", "Answers stored but not delivered yet: due now or backing off after a failure",
                outbox, o -> o.count(DeliveryState.PENDING));
        gauge("orchestrator.dead.letters", "Answers still undelivered at the delivery horizon, waiting for an operator",
                outbox, o -> o.count(DeliveryState.DEAD_LETTER));
        gauge("orchestrator.withheld.answers", "Bot answers withheld because people had the conversation when they"
                + " were due, waiting for an operator (resume, then retry)", outbox, o -> o.count(DeliveryState.WITHHELD));
    }

    /** The Jedis pool (a cluster's pools summed), read at each scrape. */
    public void watchRedisPool(Supplier<RedisPoolFigures> figures) {
        gauge("redis.pool.active", "Redis connections borrowed from the pool", figures, f -> f.get().active());
        gauge("redis.pool.idle", "Redis connections idle in the pool", figures, f -> f.get().idle());
        gauge("redis.pool.waiting", "Callers waiting for a Redis connection", figures, f -> f.get().waiting());
        gauge("redis.pool.max", "Most Redis connections the pool may open", figures, f -> f.get().maxTotal());
    }

    private <T> void gauge(String name, String description, T source, ToDoubleFunction<T> read) {
        Gauge.builder(name, source, s -> {
            try {
                return read.applyAsDouble(s);
            } catch (RuntimeException unreachable) {
                return Double.NaN;
            }
        }).description(description).strongReference(true).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
