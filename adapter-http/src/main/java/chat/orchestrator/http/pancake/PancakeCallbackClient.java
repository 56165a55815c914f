package chat.orchestrator.http.pancake;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.http.outbound.OutboundHttp;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Pancake in callback mode (the original design): one POST per delivery of {@code {"conversation_id",
 * "ai_response", "actions", "timestamp", "distributed_lock_id"}} to {@code {PANCAKE_BASE_URL}{PANCAKE_CALLBACK_PATH}},
 * with an {@code Idempotency-Key} header that is the delivery's key on every attempt, so the receiver can recognise
 * a retry. Success is a 2xx whose body does not say {@code "success": false}. One request carries every action,
 * so every action is reported with the same status and attempts.
 */
public final class PancakeCallbackClient implements PancakePort, AutoCloseable {
    private final PancakeClientSettings settings;
    private final URI endpoint;
    private final ObjectMapper json = PancakeExchange.mapper();
    private final PancakeExchange exchange;

    public PancakeCallbackClient(PancakeClientSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.endpoint = URI.create(settings.baseUrl() + settings.callbackPath());
        this.exchange = new PancakeExchange(settings, "callback", settings.accessToken().stream().toList(), json);
    }

    @Override
    public DeliveryReport deliver(Delivery delivery) {
        List<Action> actions = delivery.actions();
        byte[] body;
        try {
            body = body(delivery);
        } catch (JsonProcessingException unencodable) {
            // Only text Jackson cannot write as UTF-8 (a lone surrogate from a model's escape) gets here.
            return report(actions, DeliveryReport.Status.REJECTED, 0,
                    "answer cannot be encoded as JSON: " + unencodable.getOriginalMessage(), Optional.empty());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", delivery.idempotencyKey())
                // Built once, before the first attempt: a retry must carry the very same bytes as the first try,
                // or a receiver that checks bodies against idempotency keys would take it for a different request.
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        settings.accessToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        OutboundHttp.carryRequestId(request);
        PancakeExchange.Result result = exchange.send(request.build(), delivery.conversationId(),
                "delivery " + delivery.idempotencyKey());
        return report(actions, result.status(), result.attempts(), result.lastError(), result.retryAfter());
    }

    private static DeliveryReport report(List<Action> actions, DeliveryReport.Status status, int attempts, String error,
                                         Optional<Duration> retryAfter) {
        return new DeliveryReport(IntStream.range(0, actions.size())
                .mapToObj(i -> new ActionDelivery(i, actions.get(i).type(), status, attempts, error))
                .toList(), retryAfter);
    }

    private byte[] body(Delivery delivery) throws JsonProcessingException {
        AiReply reply = delivery.reply();
        // The fencing token names the lock acquisition that produced this answer; the lock's owner token is the
        // key to release it and never leaves the process.
        return json.writeValueAsBytes(new Callback(delivery.conversationId().value(),
                new AiResponse(reply.text(), reply.intent(), reply.confidence(), new TreeMap<>(reply.entities()),
                        reply.processingTime().toMillis(), reply.model()),
                reply.actions().stream().map(action -> new ActionJson(action.type().wireName(), action.data()))
                        .toList(),
                delivery.answeredAt().toString(), Long.toString(delivery.fencingToken().value())));
    }

    /** The callback's body (docs/pancake.md); snake_case by the Pancake clients' mapper. */
    record Callback(String conversationId, AiResponse aiResponse, List<ActionJson> actions, String timestamp,
                    String distributedLockId) {
    }

    record AiResponse(String responseText, String intent, double confidence, Map<String, String> entities,
                      long processingTimeMs, String modelUsed) {
    }

    record ActionJson(String type, Map<String, Object> data) {
    }

    @Override
    public void close() {
        exchange.close();
    }
}
