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
import chat.orchestrator.http.ai.NativeAiClient;
import chat.orchestrator.http.ai.OpenAiCompatibleClient;
import chat.orchestrator.http.pancake.PancakeCallbackClient;
import chat.orchestrator.http.pancake.PageTokens;
import chat.orchestrator.http.pancake.PancakePublicApiClient;
import chat.orchestrator.inmemory.InMemoryBotProfiles;
import chat.orchestrator.inmemory.InMemoryHealth;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryJobs;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import chat.orchestrator.inmemory.RuleBasedResponder;
import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.postgres.PostgresStorage;
import chat.orchestrator.postgres.PostgresStorageHealth;
import chat.orchestrator.redis.RedisHealth;
import chat.orchestrator.redis.RedisSettings;
import chat.orchestrator.redis.RedisStore;
import chat.orchestrator.redis.RedisTopology;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Picks one adapter per port from the configuration: what is configured is used, the embedded default stands in for the
 * rest (README.md, "Configuration"; environment.example). Opens pools and clients and migrates PostgreSQL; everything
 * it opened is closed by {@link SelectedAdapters#close()}, or at once if the selection itself fails halfway.
 */
public final class AdapterSelection {
    private AdapterSelection() {
    }

    /**
     * @param clock the time of every store's TTLs and time stamps
     * @throws IllegalStateException naming the database when PostgreSQL cannot be reached or migrated: an instance
     *                               must not serve on a schema it does not know
     * @throws chat.orchestrator.core.port.StoreUnavailableException when a Redis Cluster cannot be reached to read
     *                               its slots, or no Redis sentinel to say where the master is (a single Redis node
     *                               is reached lazily: the server starts, reports it down and answers with retryable
     *                               errors until it is back)
     */
    public static SelectedAdapters select(AppConfig config, Clock clock) {
        OpenedResources opened = new OpenedResources();
        try {
            StateStore state = config.redis().map(settings -> redis(settings, clock, opened))
                    .orElseGet(() -> memory(config, clock));
            HistoryStore history = config.postgres().map(settings -> postgres(settings, clock, opened))
                    .orElseGet(() -> memoryHistory(clock));
            if (state.redis() && config.postgres().isEmpty()) {
                // Locks are shared but history is not: fencing and durable dedup hold per instance only.
                System.getLogger(AdapterSelection.class.getName()).log(System.Logger.Level.WARNING,
                        "Redis without PostgreSQL: history, dedup after restarts and fenced writes are kept in this"
                                + " instance's memory; run one instance, or configure PostgreSQL for several");
            }
            Chosen<AiPort> ai = ai(config, history.botProfiles(), opened);
            Chosen<PancakePort> pancake = pancake(config, opened);
            List<HealthPort> health = new ArrayList<>();
            health.add(state.health());
            history.health().ifPresent(health::add);
            Map<String, String> inUse = new LinkedHashMap<>();
            inUse.put("state", state.description());
            inUse.put("history", history.description());
            inUse.put("ai", ai.description());
            inUse.put("pancake", pancake.description());
            List<Consumer<ServerMetrics>> poolMeters = new ArrayList<>();
            state.poolMeters().ifPresent(poolMeters::add);
            history.poolMeters().ifPresent(poolMeters::add);
            return new SelectedAdapters(state.locks(), state.state(), history.history(), history.outbox(), state.jobs(),
                    history.botProfiles(), ai.adapter(), pancake.adapter(), health, state.redis(), inUse, poolMeters,
                    opened, history.analytics());
        } catch (RuntimeException failed) {
            try {
                opened.close();
            } catch (RuntimeException alsoFailed) {
                failed.addSuppressed(alsoFailed);
            }
            throw failed;
        }
    }

    /** Locks, pending messages, conversation and job state: one store, since the lock must see pending messages. */
    private record StateStore(LockPort locks, StatePort state, JobPort jobs, HealthPort health, boolean redis,
                              String description, Optional<Consumer<ServerMetrics>> poolMeters) {
    }

    private record HistoryStore(HistoryPort history, OutboxPort outbox, BotProfilePort botProfiles,
                                Optional<HealthPort> health, String description,
                                Optional<Consumer<ServerMetrics>> poolMeters, AnalyticsPort analytics) {
    }

    private record Chosen<T>(T adapter, String description) {
    }

    private static StateStore redis(RedisSettings settings, Clock clock, OpenedResources opened) {
        RedisStore store = opened.add(RedisStore.open(settings, clock));
        return new StateStore(store.locks(), store.state(), store.jobs(), new RedisHealth(store), true,
                describe(settings), Optional.of(metrics -> metrics.watchRedisPool(store::poolFigures)));
    }

    private static StateStore memory(AppConfig config, Clock clock) {
        InMemoryStore store = new InMemoryStore(clock, config.conversationStateTtl());
        return new StateStore(new InMemoryLocks(store), new InMemoryState(store), new InMemoryJobs(clock),
                new InMemoryHealth(store), false, "memory", Optional.empty());
    }

    private static HistoryStore postgres(PostgresSettings settings, Clock clock, OpenedResources opened) {
        String where = settings.host() + ":" + settings.port() + "/" + settings.database();
        quietJooq();
        PostgresStorage storage;
        try {
            storage = opened.add(PostgresStorage.start(settings, clock));
        } catch (RuntimeException e) {
            // The storage closed its own pool; what is missing is which database could not be prepared, and why
            // in one line (Flyway's own message spans several).
            throw new IllegalStateException("PostgreSQL at " + where + " could not be connected to and migrated at"
                    + " start: " + rootMessage(e), e);
        }
        return new HistoryStore(storage.history(), storage.outbox(), storage.botProfiles(),
                Optional.of(new PostgresStorageHealth(storage)),
                "postgresql " + where + " (schema version " + storage.migration().schemaVersion() + ")",
                Optional.of(metrics -> storage.publishPoolMetricsTo(metrics.registry())), storage.analytics());
    }

    private static HistoryStore memoryHistory(Clock clock) {
        InMemoryHistory history = new InMemoryHistory(clock);
        return new HistoryStore(history, history.outbox(), new InMemoryBotProfiles(), Optional.empty(), "memory",
                Optional.empty(), history.analytics());
    }

    private static Chosen<AiPort> ai(AppConfig config, BotProfilePort botProfiles, OpenedResources opened) {
        if (config.ai().isEmpty()) {
            return new Chosen<>(new RuleBasedResponder(), "built-in responder (" + RuleBasedResponder.MODEL + ")");
        }
        AiServiceConfig ai = config.ai().get();
        String url = withoutCredentials(ai.client().serviceUrl());
        return switch (ai.protocol()) {
            case OPENAI -> new Chosen<>(opened.add(new OpenAiCompatibleClient(ai.client(), botProfiles::current)),
                    "openai-compatible " + url + " model " + ai.client().model().orElseThrow());
            case NATIVE -> new Chosen<>(opened.add(new NativeAiClient(ai.client(), botProfiles::current)),
                    "native " + url);
        };
    }

    private static Chosen<PancakePort> pancake(AppConfig config, OpenedResources opened) {
        if (config.pancake().isEmpty()) {
            return new Chosen<>(new LoggingPancake(), "logging only");
        }
        PancakeConfig pancake = config.pancake().get();
        String url = withoutCredentials(pancake.client().baseUrl());
        return switch (pancake.mode()) {
            case CALLBACK -> new Chosen<>(opened.add(new PancakeCallbackClient(pancake.client())),
                    "callback " + url + pancake.client().callbackPath());
            case PUBLIC_API -> {
                PageTokens pages = pancake.pages().orElseThrow();
                yield new Chosen<>(opened.add(new PancakePublicApiClient(pancake.client(), pages)),
                        "public_api " + url + " pages " + String.join(",", pages.pages())
                                + pages.defaultPage().map(page -> " (default " + page + ")").orElse(""));
            }
        };
    }

    private static String describe(RedisSettings settings) {
        String tls = settings.tls() ? ", tls" : "";
        return switch (settings.topology()) {
            case RedisTopology.SingleNode single -> "redis " + single.node() + " db " + single.database() + tls;
            case RedisTopology.Cluster cluster -> "redis cluster, seeds " + cluster.seeds().stream()
                    .map(Object::toString).collect(Collectors.joining(",")) + tls;
            case RedisTopology.Sentinel sentinel -> "redis sentinel, master " + sentinel.masterName() + " db "
                    + sentinel.database() + ", sentinels " + sentinel.sentinels().stream()
                    .map(Object::toString).collect(Collectors.joining(",")) + tls;
        };
    }

    /** jOOQ prints an ASCII-art logo and tips at first use; a server's log is no place for them. */
    private static void quietJooq() {
        for (String property : List.of("org.jooq.no-logo", "org.jooq.no-tips")) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** A URL may carry a user and password; they must not reach a log line or a health response. */
    private static String withoutCredentials(URI url) {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        return url.getScheme() + "://" + url.getRawAuthority().substring(url.getRawUserInfo().length() + 1)
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
