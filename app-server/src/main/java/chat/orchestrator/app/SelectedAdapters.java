package chat.orchestrator.app;

import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.BotProfilePort;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.JobPort;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.core.port.StatePort;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The adapters {@link AdapterSelection} chose for this run, ready to wire. Close it (after the orchestrator) to
 * close the pools and clients they opened.
 *
 * @param locks       shares its store with {@code state}, as {@link LockPort} requires
 * @param health      one probe per store in use: "redis" or "memory", then "postgres" when configured
 * @param redis       true when locks, state and jobs are on Redis (shared by every instance), false when in memory
 * @param inUse       what serves each part, in this order, for the start-up log and the health endpoints; never a
 *                    secret: {@code state} (locks, pending messages, conversation and job state), {@code history}
 *                    (history and bot configuration), {@code ai} and {@code pancake}
 * @param poolMeters  binds the connection pools' figures (HikariCP, Jedis) to the server's metrics
 * @param resources   closes what was opened, in reverse order
 * @param analytics   the owner's figures, over {@code history}
 */
public record SelectedAdapters(
        LockPort locks,
        StatePort state,
        HistoryPort history,
        OutboxPort outbox,
        JobPort jobs,
        BotProfilePort botProfiles,
        AiPort ai,
        PancakePort pancake,
        List<HealthPort> health,
        boolean redis,
        Map<String, String> inUse,
        List<Consumer<ServerMetrics>> poolMeters,
        AutoCloseable resources,
        AnalyticsPort analytics) implements AutoCloseable {

    public SelectedAdapters {
        Objects.requireNonNull(locks, "locks");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(botProfiles, "botProfiles");
        Objects.requireNonNull(ai, "ai");
        Objects.requireNonNull(pancake, "pancake");
        health = List.copyOf(health);
        inUse = Collections.unmodifiableMap(new LinkedHashMap<>(inUse));
        poolMeters = List.copyOf(poolMeters);
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(analytics, "analytics");
    }

    /** Closes the pools and clients; call it once the orchestrator has stopped using them. */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the adapters failed", e);
        }
    }
}
