package chat.orchestrator.http.inbound;

import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.core.usecase.Administration;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox for operators ({@code ADMIN_ACCESS_TOKEN} or an admin JWT): answers by delivery state (dead letters by default) and the
 * retry of a dead-lettered or rejected one, with its own idempotency key.
 */
record DeliveriesService(Administration administration, JsonResponses json, Clock clock) implements HttpService {
    private static final System.Logger LOG = System.getLogger(DeliveriesService.class.getName());

    @Override
    public void routing(HttpRules rules) {
        rules.get("/deliveries", this::list)
                .post("/deliveries/{run_id}/retry", this::retry);
    }

    private void list(ServerRequest request, ServerResponse response) {
        DeliveryState state = state(request.query().first("status").orElse("dead_letter"));
        int limit = QueryParameters.integer(request, "limit", 100, 1, 1_000);
        Administration.DeliveryFigures figures = administration.deliveryFigures();
        json.send(response, Status.OK_200, new Listing(state.name().toLowerCase(Locale.ROOT),
                administration.deliveries(state, limit).stream().map(answer -> new Row(answer.runId().toString(),
                        answer.conversationId().value(), answer.state().name().toLowerCase(Locale.ROOT),
                        answer.attempts(), answer.lastError(), answer.queuedAt().toString(),
                        answer.updatedAt().toString(),
                        Math.max(0, Duration.between(answer.queuedAt(), clock.instant()).toSeconds()),
                        answer.actions().stream().map(type -> type.wireName()).toList())).toList(),
                new Totals(figures.pending(), figures.deadLetters(), figures.rejected(), figures.withheld())));
    }

    private void retry(ServerRequest request, ServerResponse response) {
        String who = Access.AdminCaller.of(request);
        RunId runId = runId(request.path().pathParameters().get("run_id"));
        if (!administration.retryDelivery(runId)) {
            throw new ApiException(new ApiError(Status.NOT_FOUND_404, "not_retryable",
                    "no dead-lettered, rejected or withheld delivery with this run id", Optional.of("run_id")));
        }
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: retry delivery run_id={1}", who, runId);
        json.send(response, Status.OK_200, new Retried(true, runId.toString(), "pending", runId.toString()));
    }

    record Listing(String status, List<Row> deliveries, Totals totals) {
    }

    record Row(String runId, String conversationId, String status, int attempts, String lastError, String queuedAt,
               String updatedAt, long ageSeconds, List<String> actions) {
    }

    record Totals(long pending, long deadLetter, long rejected, long withheld) {
    }

    record Retried(boolean success, String runId, String status, String idempotencyKey) {
    }

    private static DeliveryState state(String value) {
        return switch (value) {
            case "dead_letter" -> DeliveryState.DEAD_LETTER;
            case "rejected" -> DeliveryState.REJECTED;
            case "withheld" -> DeliveryState.WITHHELD;
            case "pending" -> DeliveryState.PENDING;
            case "delivered" -> DeliveryState.DELIVERED;
            default -> throw new ApiException(ApiError.invalidField("status",
                    "status must be one of dead_letter, rejected, withheld, pending, delivered"));
        };
    }

    private static RunId runId(String value) {
        try {
            return new RunId(UUID.fromString(value));
        } catch (IllegalArgumentException notAUuid) {
            throw new ApiException(ApiError.invalidField("run_id", "run_id must be a UUID"));
        }
    }
}
