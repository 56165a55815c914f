package chat.orchestrator.app;

import chat.orchestrator.core.AiBulkhead;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.ChatJobs;
import chat.orchestrator.http.ai.AiClientSettings;
import chat.orchestrator.http.inbound.ApiServer;
import chat.orchestrator.http.inbound.InboundApi;
import chat.orchestrator.http.inbound.ServerLimits;
import chat.orchestrator.http.inbound.StorageDescription;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The composition root: the adapters the configuration selects (Redis or memory, PostgreSQL or memory, the HTTP AI
 * client or the built-in responder, the Pancake client or a logger), the orchestrator over them, and the inbound
 * API. Wired by hand, closed in reverse: stop taking requests, let running workers finish, close the pools.
 */
public final class Application implements AutoCloseable {
    /** How long job records of the asynchronous API are kept. */
    static final Duration JOB_TTL = Duration.ofHours(24);
    /** Conversations the admin health and stats look at one by one, most recently active first. */
    static final int ADMIN_SCAN_LIMIT = 1_000;
    /**
     * The whole shutdown, readiness drain included, fits in Kubernetes' default grace period (30 s), with a few
     * seconds left for the pools to close and the JVM to exit.
     */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(25);
    private static final System.Logger LOG = System.getLogger(Application.class.getName());

    private final SelectedAdapters adapters;
    private final Orchestrator orchestrator;
    private final ApiServer server;
    private final ServerMetrics metrics;
    private final Duration readinessDrain;

    private Application(SelectedAdapters adapters, Orchestrator orchestrator, ApiServer server, ServerMetrics metrics,
                        Duration readinessDrain) {
        this.adapters = adapters;
        this.orchestrator = orchestrator;
        this.server = server;
        this.metrics = metrics;
        this.readinessDrain = readinessDrain;
    }

    public static Application start(AppConfig config, Tokens tokens) {
        return start(config, tokens, Clock.systemUTC());
    }

    /** On the caller's clock: a test moves it past a horizon (the delivery's, a lease's) instead of waiting it out. */
    static Application start(AppConfig config, Tokens tokens, Clock clock) {
        SelectedAdapters adapters = AdapterSelection.select(config, clock);
        ServerMetrics metrics = new ServerMetrics();
        Orchestrator orchestrator = null;
        try {
            adapters.poolMeters().forEach(bind -> bind.accept(metrics));
            metrics.watchOutbox(adapters.outbox());
            orchestrator = Orchestrator.builder()
                    .locks(adapters.locks())
                    .state(adapters.state())
                    .history(adapters.history())
                    .outbox(adapters.outbox())
                    .ai(new AiBulkhead(adapters.ai(), config.limits().aiMaxConcurrentCalls(), aiQueueWait(config)))
                    .pancake(adapters.pancake())
                    .settings(config.orchestrator())
                    .clock(clock)
                    .events(new LogContextEvents(new LifecycleMetrics(metrics.registry(), aiModel(config))))
                    .build();
            ChatJobs chatJobs = new ChatJobs(orchestrator, adapters.jobs(), adapters.history(), clock, JOB_TTL);
            Administration administration = new Administration(adapters.locks(), adapters.state(), adapters.outbox(),
                    adapters.health(),
                    clock, config.orchestrator().lockTtl(), ADMIN_SCAN_LIMIT, orchestrator::aiRefusal);
            ApiServer server = InboundApi.start(
                    new InboundApi.Settings(config.host(), config.port(), tokens.pancake(), tokens.admin(),
                            config.webhookSecret(), config.maxBodyBytes())
                            .withLimits(new ServerLimits(config.limits().maxConcurrentRequests(),
                                    config.limits().rateLimitPerSecond()))
                            .withMetricsToken(config.metricsAccessToken())
                            // The JWKS is fetched at the first JWT, not here: a briefly absent IdP cannot stop a start.
                            .withAdminJwt(config.adminJwt()),
                    new InboundApi.Dependencies(orchestrator, orchestrator, chatJobs, administration,
                            orchestrator.handoffs(), adapters.botProfiles(), adapters.health(), adapters.inUse(),
                            adapters.redis() ? StorageDescription.REDIS : StorageDescription.MEMORY, clock,
                            metrics::scrape, adapters.analytics()));
            return new Application(adapters, orchestrator, server, metrics, config.limits().readinessDrain());
        } catch (RuntimeException failedToStart) {
            if (orchestrator != null) {
                orchestrator.close();
            }
            metrics.close();
            adapters.close();
            throw failedToStart;
        }
    }

    /** The model AI calls are labelled with when no answer names one: the configured model, or the responder's. */
    private static String aiModel(AppConfig config) {
        return config.ai().isEmpty() ? RuleBasedResponder.MODEL
                : config.ai().get().client().model().orElse(config.ai().get().protocol().wireName());
    }

    /** A call waits for a free AI slot at most as long as one AI attempt may take: longer, the AI is saturated. */
    private static Duration aiQueueWait(AppConfig config) {
        return config.ai().map(ai -> ai.client().timeout()).orElse(AiClientSettings.DEFAULT_TIMEOUT);
    }

    public int port() {
        return server.port();
    }

    /** What serves each part (state, history, ai, pancake), for the start-up log; never a secret. */
    public Map<String, String> adaptersInUse() {
        return adapters.inUse();
    }

    /**
     * Within {@link #SHUTDOWN_BUDGET}: readiness answers 503 first while requests are still served (balancers stop
     * sending), then the listener closes and requests in flight finish, then running workers finish or leave their
     * leases to expire, then the pools close.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        try {
            server.drain();
            pause(readinessDrain);
            server.close();
            Duration left = SHUTDOWN_BUDGET.minusNanos(System.nanoTime() - started);
            orchestrator.close(left.isNegative() ? Duration.ZERO : left);
        } finally {
            metrics.close();
            adapters.close();
        }
        LOG.log(System.Logger.Level.INFO, "shut down in {0} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** Not waiting for a condition: balancers poll readiness on their own schedule, this gives them time to. */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
