package chat.orchestrator.http.inbound;

import chat.orchestrator.core.MessageHandler;
import chat.orchestrator.core.MessageSubmitter;
import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.BotProfilePort;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.ChatJobs;
import chat.orchestrator.core.usecase.Handoffs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every endpoint of docs/api.md on one Helidon server: the one place that says which service answers under which
 * prefix and who may call it ({@link Access}). The message token and the admin check (the admin token, or an admin
 * JWT) guard disjoint prefixes.
 */
public final class InboundApi {
    private InboundApi() {
    }

    /**
     * Where to listen and how requests are checked.
     *
     * @param bodyReadTimeout how long a client may take to send a body once its headers are in
     * @param limits          the concurrency and rate limits
     * @param adminJwt        when present, the admin endpoints also take a person's JWT beside the admin token
     */
    public record Settings(String host, int port, String messageToken, String adminToken,
                           Optional<String> webhookSecret, long maxBodyBytes, Duration bodyReadTimeout,
                           ServerLimits limits, Optional<String> metricsToken, Optional<AdminJwtSettings> adminJwt) {

        public Settings(String host, int port, String messageToken, String adminToken, Optional<String> webhookSecret,
                        long maxBodyBytes) {
            this(host, port, messageToken, adminToken, webhookSecret, maxBodyBytes, JsonBody.DEFAULT_READ_TIMEOUT,
                    ServerLimits.NONE, Optional.empty(), Optional.empty());
        }

        /** The same settings with these concurrency and rate limits. */
        public Settings withLimits(ServerLimits value) {
            return new Settings(host, port, messageToken, adminToken, webhookSecret, maxBodyBytes, bodyReadTimeout, value,
                    metricsToken, adminJwt);
        }

        /** The same settings with {@code GET /metrics} guarded by {@code token} (open when empty). */
        public Settings withMetricsToken(Optional<String> token) {
            return new Settings(host, port, messageToken, adminToken, webhookSecret, maxBodyBytes, bodyReadTimeout,
                    limits, token, adminJwt);
        }

        /** The same settings with admin JWTs checked as {@code jwt} says (the admin token alone when empty). */
        public Settings withAdminJwt(Optional<AdminJwtSettings> jwt) {
            return new Settings(host, port, messageToken, adminToken, webhookSecret, maxBodyBytes, bodyReadTimeout,
                    limits, metricsToken, jwt);
        }
    }

    /**
     * The use cases and facts the endpoints need.
     *
     * @param metrics   the Prometheus text of the server's metrics, made fresh for each {@code GET /metrics}
     * @param analytics the owner's figures, over the history in use
     */
    public record Dependencies(MessageHandler messages, MessageSubmitter submitter, ChatJobs chatJobs,
                               Administration administration, Handoffs handoffs, BotProfilePort botProfiles,
                               List<HealthPort> health, Map<String, String> adaptersInUse, StorageDescription storage,
                               Clock clock, Supplier<String> metrics, AnalyticsPort analytics) {

        public Dependencies(MessageHandler messages, MessageSubmitter submitter, ChatJobs chatJobs,
                            Administration administration, Handoffs handoffs, BotProfilePort botProfiles,
                            List<HealthPort> health, Map<String, String> adaptersInUse, StorageDescription storage,
                            Clock clock, AnalyticsPort analytics) {
            this(messages, submitter, chatJobs, administration, handoffs, botProfiles, health, adaptersInUse, storage,
                    clock, () -> "", analytics);
        }
    }

    public static ApiServer start(Settings settings, Dependencies d) {
        JsonResponses json = JsonResponses.withDefaultMapper();
        JsonBody body = new JsonBody(settings.maxBodyBytes(), settings.bodyReadTimeout());
        BearerToken messageToken = new BearerToken(settings.messageToken());
        Optional<WebhookSignature> signature = settings.webhookSecret().map(WebhookSignature::new);
        AdminAuthenticator admins = new AdminAuthenticator(new BearerToken(settings.adminToken()), settings.adminJwt(),
                d.clock());
        Readiness readiness = new Readiness();
        AdminService adminService = new AdminService(d.administration(), d.handoffs(), d.chatJobs(), json,
                d.storage(), d.clock());
        Access admin = Access.admin(admins);
        // Each prefix says who may call it; its services name their paths below it (docs/api.md, docs/security.md).
        RouteTable routes = new RouteTable()
                .under("/health", Access.open(), new HealthService(json, d.storage(), d.health(), d.clock(), readiness))
                .under("/api/v1/status", Access.open(),
                        new StatusService(json, d.storage(), d.health(), d.chatJobs(), d.adaptersInUse(), admins))
                .under("/openapi", Access.open(), new OpenApiService(json))
                .under("/admin", Access.open(), new AdminPageService())
                .under("/metrics", Access.metrics(settings.metricsToken().map(BearerToken::new)),
                        new MetricsService(d.metrics()))
                .under("/api/v1/enhanced-handle-message", Access.messageToken(messageToken),
                        new SyncMessageService(d.messages(), body, json, d.storage(), d.clock()))
                .under("/api/v1/chat", Access.messageToken(messageToken),
                        new ChatService(d.chatJobs(), d.botProfiles(), body, json, d.clock()))
                .under("/api/v1/pancake", Access.webhook(messageToken, signature),
                        new WebhookService(d.submitter(), signature, body, json, d.clock()))
                .under("/api/v1/admin", admin, adminService,
                        new HandoffService(d.handoffs(), body, json),
                        new DeliveriesService(d.administration(), json, d.clock()),
                        new AnalyticsService(d.analytics(), json, d.clock()))
                .under("/admin/system", admin, adminService.legacyCleanup());
        return ApiServer.start(settings.host(), settings.port(), json, body, settings.limits(), readiness, routes);
    }
}
