package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.Handoffs;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The admin endpoints ({@code ADMIN_ACCESS_TOKEN} or an admin JWT): conversations, health, stats, force release, cleanup. */
public final class AdminService implements HttpService {
    private final Administration administration;
    private final Handoffs handoffs;
    private final chat.orchestrator.core.usecase.ChatJobs chatJobs;
    private static final System.Logger LOG = System.getLogger(AdminService.class.getName());
    private final AdminAuthenticator admins;
    private final JsonResponses json;
    private final StorageDescription storage;
    private final Clock clock;

    public AdminService(Administration administration, Handoffs handoffs,
                        chat.orchestrator.core.usecase.ChatJobs chatJobs, AdminAuthenticator admins,
                        JsonResponses json, StorageDescription storage, Clock clock) {
        this.administration = administration;
        this.handoffs = handoffs;
        this.chatJobs = chatJobs;
        this.admins = admins;
        this.json = json;
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/admin/conversations", this::conversations)
                .get("/api/v1/admin/health", this::health)
                .get("/api/v1/admin/stats", this::stats)
                .post("/api/v1/admin/conversations/{id}/cancel", this::cancel)
                .post("/api/v1/admin/system/cleanup", this::cleanup)
                .post("/admin/system/cleanup", this::cleanup);
    }

    private void conversations(ServerRequest request, ServerResponse response) {
        admins.require(request);
        int offset = QueryParameters.integer(request, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = QueryParameters.integer(request, "limit", 50, 1, 500);
        Administration.ConversationListing listing = administration.conversations(offset, limit);
        ObjectNode body = json.mapper().createObjectNode();
        body.put("total_conversations", listing.total());
        body.put("offset", offset).put("limit", limit);
        ArrayNode rows = body.putArray("conversations");
        Map<ConversationId, Handoff> handedOff = handoffs.activeAmong(listing.conversations().stream()
                .map(view -> view.state().conversationId()).collect(Collectors.toSet()));
        listing.conversations().forEach(view -> HandoffJson.put(rows.addObject()
                .put("conversation_id", view.state().conversationId().value())
                .put("last_message_id", view.state().lastMessageId().value())
                .put("last_message_timestamp", OutcomeJson.epochSeconds(view.state().lastMessageTimestamp()))
                .put("ai_processing", view.processing())
                .put("context_size", view.state().totalMessages())
                .put("pending_messages", view.state().pendingMessages()),
                "handoff", Optional.ofNullable(handedOff.get(view.state().conversationId()))));
        body.put("storage_backend", storage.backendName());
        json.send(response, Status.OK_200, body);
    }

    private void health(ServerRequest request, ServerResponse response) {
        admins.require(request);
        Administration.SystemHealth health = administration.health();
        ObjectNode body = json.mapper().createObjectNode();
        body.put("status", health.status().name().toLowerCase(Locale.ROOT));
        body.put("timestamp", health.at().toString());
        body.putObject("statistics")
                .put("total_conversations", health.totalConversations())
                .put("active_ai_tasks", health.activeAiTasks())
                .put("stuck_conversations", health.stuck().size())
                .put("pending_deliveries", health.deliveries().pending())
                .put("dead_letters", health.deliveries().deadLetters())
                .put("rejected_deliveries", health.deliveries().rejected())
                .put("withheld_deliveries", health.deliveries().withheld());
        body.put("redis_status", componentStatus(health.components(), "redis"));
        body.put("postgres_status", componentStatus(health.components(), "postgres"));
        body.put("storage_backend", storage.backendName());
        health.aiRefusal().ifPresentOrElse(refusal -> {
            body.put("ai_status", "rejected");
            body.putObject("ai_error")
                    .put("code", "ai_rejected")
                    .put("message", refusal.reason())
                    .put("since", refusal.since().toString())
                    .put("last_at", refusal.lastAt().toString())
                    .put("refused_calls", refusal.count());
        }, () -> body.put("ai_status", "ok"));
        ArrayNode stuck = body.putArray("stuck_conversations");
        health.stuck().forEach(s -> stuck.addObject()
                .put("conversation_id", s.conversationId().value())
                .put("reason", s.reason().name().toLowerCase(Locale.ROOT))
                .put("pending_messages", s.pendingMessages())
                .put("last_activity", s.lastActivity().toString()));
        ArrayNode types = body.putArray("supported_action_types");
        chat.orchestrator.core.domain.ActionType.wireNames().forEach(types::add);
        components(body, health.components());
        json.send(response, Status.OK_200, body);
    }

    private void stats(ServerRequest request, ServerResponse response) {
        admins.require(request);
        Administration.ConversationStats stats = administration.stats();
        ObjectNode body = json.mapper().createObjectNode();
        body.put("timestamp", clock.instant().toString());
        body.putObject("conversations")
                .put("total", stats.total())
                .put("recent", stats.recent())
                .put("old", stats.old())
                .put("active_processing", stats.activeProcessing());
        stats.components().stream().filter(c -> c.component().equals("redis")).findFirst()
                .ifPresent(redis -> body.set("redis_stats", json.mapper().valueToTree(redis.figures())));
        stats.components().stream().filter(c -> c.component().equals("postgres")).findFirst()
                .ifPresent(postgres -> body.set("postgres_stats", json.mapper().valueToTree(postgres.figures())));
        body.put("storage_backend", storage.backendName());
        json.send(response, Status.OK_200, body);
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        String who = admins.require(request);
        ConversationId conversation = ConversationId.of(WireIds.require("id", request.path().pathParameters().get("id")));
        boolean released = administration.forceRelease(conversation);
        int cancelled = chatJobs.cancelRunning(conversation, "cancelled by an admin");
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: force release conversation={1} lock_released={2}"
                + " jobs_cancelled={3}", who, conversation.value(), released, cancelled);
        ObjectNode body = json.mapper().createObjectNode();
        body.put("success", true);
        body.put("conversation_id", conversation.value());
        body.put("lock_released", released);
        body.put("jobs_cancelled", cancelled);
        json.send(response, Status.OK_200, body);
    }

    private void cleanup(ServerRequest request, ServerResponse response) {
        String who = admins.require(request);
        int hours = QueryParameters.integer(request, "max_age_hours", 24, 1, 24 * 365);
        long removed = administration.removeIdleConversations(java.time.Duration.ofHours(hours));
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: cleanup max_age_hours={1} removed_conversations={2}",
                who, hours, removed);
        ObjectNode body = json.mapper().createObjectNode();
        body.put("success", true);
        body.put("max_age_hours", hours);
        body.put("removed_conversations", removed);
        json.send(response, Status.OK_200, body);
    }

    private static String componentStatus(List<ComponentHealth> components, String name) {
        return components.stream().filter(c -> c.component().equals(name)).findFirst()
                .map(c -> c.up() ? "connected" : "disconnected: " + c.detail())
                .orElse("not_configured");
    }

    private void components(ObjectNode body, List<ComponentHealth> components) {
        ObjectNode node = body.putObject("components");
        components.forEach(c -> node.putObject(c.component()).put("up", c.up()).put("detail", c.detail())
                .set("figures", json.mapper().valueToTree(c.figures())));
    }
}
