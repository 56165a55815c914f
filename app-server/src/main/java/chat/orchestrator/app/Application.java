package chat.orchestrator.app;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.ChatJobs;
import chat.orchestrator.http.inbound.ApiServer;
import chat.orchestrator.http.inbound.InboundApi;
import chat.orchestrator.http.inbound.StorageDescription;
import chat.orchestrator.inmemory.InMemoryBotProfiles;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryJobs;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import chat.orchestrator.inmemory.RuleBasedResponder;
import chat.orchestrator.core.port.ComponentHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root: wires adapters by hand (no DI framework) and owns their lifecycle. Today the embedded
 * default only: in-memory state, locks and history, the built-in responder, and a Pancake that logs.
 */
public final class Application implements AutoCloseable {
    /** How long job records of the asynchronous API are kept. */
    static final Duration JOB_TTL = Duration.ofHours(24);
    /** Conversations the admin health and stats look at one by one, most recently active first. */
    static final int ADMIN_SCAN_LIMIT = 1_000;

    private final Orchestrator orchestrator;
    private final ApiServer server;

    private Application(Orchestrator orchestrator, ApiServer server) {
        this.orchestrator = orchestrator;
        this.server = server;
    }

    public static Application start(AppConfig config, Tokens tokens) {
        Clock clock = Clock.systemUTC();
        InMemoryStore store = new InMemoryStore(clock, config.conversationStateTtl());
        InMemoryLocks locks = new InMemoryLocks(store);
        InMemoryState state = new InMemoryState(store);
        InMemoryHistory history = new InMemoryHistory();
        InMemoryBotProfiles botProfiles = new InMemoryBotProfiles();
        Orchestrator orchestrator = Orchestrator.builder()
                .locks(locks)
                .state(state)
                .history(history)
                .ai(new RuleBasedResponder())
                .pancake(new LoggingPancake())
                .settings(config.orchestrator())
                .clock(clock)
                .build();
        List<chat.orchestrator.core.port.HealthPort> health = List.of(() -> ComponentHealth.up("memory", Map.of()));
        ChatJobs chatJobs = new ChatJobs(orchestrator, new InMemoryJobs(clock), history, clock, JOB_TTL);
        ApiServer server = InboundApi.start(
                new InboundApi.Settings(config.host(), config.port(), tokens.pancake(), tokens.admin(), Optional.empty(),
                        config.maxBodyBytes()),
                new InboundApi.Dependencies(orchestrator, orchestrator, chatJobs,
                        new Administration(locks, state, health, clock, config.orchestrator().lockTtl(), ADMIN_SCAN_LIMIT),
                        botProfiles, health, Map.of("state", "memory", "history", "memory", "ai", "built-in responder",
                        "pancake", "logging only"), StorageDescription.MEMORY, clock));
        return new Application(orchestrator, server);
    }

    public int port() {
        return server.port();
    }

    /** Stops taking requests first, then lets running workers finish (or their leases expire). */
    @Override
    public void close() {
        server.close();
        orchestrator.close();
    }
}
