package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.Handoffs;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The admin endpoints ({@code ADMIN_ACCESS_TOKEN} or an admin JWT): conversations, health, stats, force release, cleanup. */
record AdminService(Administration administration, Handoffs handoffs, chat.orchestrator.core.usecase.ChatJobs chatJobs,
                    JsonResponses json, StorageDescription storage, Clock clock) implements HttpService {
    private static final System.Logger LOG = System.getLogger(AdminService.class.getName());

    @Override
    public void routing(HttpRules rules) {
        rules.get("/conversations", this::conversations)
                .get("/health", this::health)
                .get("/stats", this::stats)
                .post("/conversations/{id}/cancel", this::cancel)
                .post("/system/cleanup", this::cleanup);
    }

    /** The cleanup at its older path, {@code /admin/system/cleanup}, kept for existing cron jobs. */
    HttpService legacyCleanup() {
        return rules -> rules.post("/cleanup", this::cleanup);
    }

    private void conversations(ServerRequest request, ServerResponse response) {
        int offset = QueryParameters.integer(request, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = QueryParameters.integer(request, "limit", 50, 1, 500);
        Administration.ConversationListing listing = administration.conversations(offset, limit);
        Map<ConversationId, Handoff> handedOff = handoffs.activeAmong(listing.conversations().stream()
                .map(view -> view.state().conversationId()).collect(Collectors.toSet()));
        json.send(response, Status.OK_200, new Listing(listing.total(), offset, limit,
                listing.conversations().stream().map(view -> new ConversationRow(
                        view.state().conversationId().value(), view.state().lastMessageId().value(),
                        OutcomeJson.epochSeconds(view.state().lastMessageTimestamp()), view.processing(),
                        view.state().totalMessages(), view.state().pendingMessages(),
                        OutcomeJson.HandoffJson.orNull(
                                Optional.ofNullable(handedOff.get(view.state().conversationId()))))).toList(),
                storage.backendName()));
    }

    private void health(ServerRequest request, ServerResponse response) {
        Administration.SystemHealth health = administration.health();
        Map<String, ComponentJson> components = new LinkedHashMap<>();
        health.components().forEach(c -> components.put(c.component(),
                new ComponentJson(c.up(), c.detail(), c.figures())));
        json.send(response, Status.OK_200, new HealthBody(
                health.status().name().toLowerCase(Locale.ROOT),
                health.at().toString(),
                new Statistics(health.totalConversations(), health.activeAiTasks(), health.stuck().size(),
                        health.deliveries().pending(), health.deliveries().deadLetters(),
                        health.deliveries().rejected(), health.deliveries().withheld()),
                componentStatus(health.components(), "redis"),
                componentStatus(health.components(), "postgres"),
                storage.backendName(),
                health.aiRefusal().isPresent() ? "rejected" : "ok",
                health.aiRefusal().map(refusal -> new AiError("ai_rejected", refusal.reason(),
                        refusal.since().toString(), refusal.lastAt().toString(), refusal.count())).orElse(null),
                health.stuck().stream().map(s -> new Stuck(s.conversationId().value(),
                        s.reason().name().toLowerCase(Locale.ROOT), s.pendingMessages(),
                        s.lastActivity().toString())).toList(),
                chat.orchestrator.core.domain.ActionType.wireNames(),
                components));
    }

    private void stats(ServerRequest request, ServerResponse response) {
        Administration.ConversationStats stats = administration.stats();
        json.send(response, Status.OK_200, new StatsBody(clock.instant().toString(),
                new ConversationFigures(stats.total(), stats.recent(), stats.old(), stats.activeProcessing()),
                figures(stats.components(), "redis"), figures(stats.components(), "postgres"),
                storage.backendName()));
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        String who = Access.AdminCaller.of(request);
        ConversationId conversation = ConversationId.of(WireIds.require("id", request.path().pathParameters().get("id")));
        boolean released = administration.forceRelease(conversation);
        int cancelled = chatJobs.cancelRunning(conversation, "cancelled by an admin");
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: force release conversation={1} lock_released={2}"
                + " jobs_cancelled={3}", who, conversation.value(), released, cancelled);
        json.send(response, Status.OK_200, new Released(true, conversation.value(), released, cancelled));
    }

    private void cleanup(ServerRequest request, ServerResponse response) {
        String who = Access.AdminCaller.of(request);
        int hours = QueryParameters.integer(request, "max_age_hours", 24, 1, 24 * 365);
        long removed = administration.removeIdleConversations(java.time.Duration.ofHours(hours));
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: cleanup max_age_hours={1} removed_conversations={2}",
                who, hours, removed);
        json.send(response, Status.OK_200, new CleanedUp(true, hours, removed));
    }

    record Listing(long totalConversations, int offset, int limit, List<ConversationRow> conversations,
                   String storageBackend) {
    }

    /** {@code handoff} is null while the bot has the conversation. */
    record ConversationRow(String conversationId, String lastMessageId, double lastMessageTimestamp,
                           boolean aiProcessing, long contextSize, long pendingMessages,
                           OutcomeJson.HandoffJson handoff) {
    }

    /** {@code ai_error} is left out unless the AI is refusing ({@code ai_status} "rejected"). */
    record HealthBody(String status, String timestamp, Statistics statistics, String redisStatus,
                      String postgresStatus, String storageBackend, String aiStatus,
                      @JsonInclude(JsonInclude.Include.NON_NULL) AiError aiError, List<Stuck> stuckConversations,
                      List<String> supportedActionTypes, Map<String, ComponentJson> components) {
    }

    record Statistics(long totalConversations, long activeAiTasks, int stuckConversations, long pendingDeliveries,
                      long deadLetters, long rejectedDeliveries, long withheldDeliveries) {
    }

    record AiError(String code, String message, String since, String lastAt, long refusedCalls) {
    }

    record Stuck(String conversationId, String reason, long pendingMessages, String lastActivity) {
    }

    record ComponentJson(boolean up, String detail, Map<String, String> figures) {
    }

    /** A store's figures are left out when that store is not in use. */
    record StatsBody(String timestamp, ConversationFigures conversations,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> redisStats,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> postgresStats,
                     String storageBackend) {
    }

    record ConversationFigures(long total, long recent, long old, long activeProcessing) {
    }

    record Released(boolean success, String conversationId, boolean lockReleased, int jobsCancelled) {
    }

    record CleanedUp(boolean success, int maxAgeHours, long removedConversations) {
    }

    private static Map<String, String> figures(List<ComponentHealth> components, String name) {
        return components.stream().filter(c -> c.component().equals(name)).findFirst()
                .map(ComponentHealth::figures).orElse(null);
    }

    private static String componentStatus(List<ComponentHealth> components, String name) {
        return components.stream().filter(c -> c.component().equals(name)).findFirst()
                .map(c -> c.up() ? "connected" : "disconnected: " + c.detail())
                .orElse("not_configured");
    }
}
