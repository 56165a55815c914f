package chat.orchestrator.app;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.http.inbound.ApiServer;
import chat.orchestrator.http.inbound.BearerToken;
import chat.orchestrator.http.inbound.HealthService;
import chat.orchestrator.http.inbound.JsonBody;
import chat.orchestrator.http.inbound.JsonResponses;
import chat.orchestrator.http.inbound.StorageDescription;
import chat.orchestrator.http.inbound.SyncMessageService;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.time.Clock;
import java.util.List;

/**
 * The composition root: wires adapters by hand (no DI framework) and owns their lifecycle. Today the embedded
 * default only: in-memory state, locks and history, the built-in responder, and a Pancake that logs.
 */
public final class Application implements AutoCloseable {
    private final Orchestrator orchestrator;
    private final ApiServer server;

    private Application(Orchestrator orchestrator, ApiServer server) {
        this.orchestrator = orchestrator;
        this.server = server;
    }

    public static Application start(AppConfig config, Tokens tokens) {
        Clock clock = Clock.systemUTC();
        InMemoryStore store = new InMemoryStore(clock, config.conversationStateTtl());
        Orchestrator orchestrator = Orchestrator.builder()
                .locks(new InMemoryLocks(store))
                .state(new InMemoryState(store))
                .history(new InMemoryHistory())
                .ai(new RuleBasedResponder())
                .pancake(new LoggingPancake())
                .settings(config.orchestrator())
                .clock(clock)
                .build();
        JsonResponses json = JsonResponses.withDefaultMapper();
        StorageDescription storage = StorageDescription.MEMORY;
        ApiServer server = ApiServer.start(config.host(), config.port(), json, List.of(
                new HealthService(json, storage, clock),
                new SyncMessageService(orchestrator, new BearerToken(tokens.pancake()),
                        new JsonBody(config.maxBodyBytes()), json, storage, clock)));
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
