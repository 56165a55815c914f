package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.MessageOutcome;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** The JSON shapes of a message outcome, one per {@code MessageOutcome} subtype (docs/api.md, openapi.yaml). */
final class OutcomeJson {
    private final ObjectMapper mapper;
    private final StorageDescription storage;

    OutcomeJson(ObjectMapper mapper, StorageDescription storage) {
        this.mapper = mapper;
        this.storage = storage;
    }

    /** The {@code result} object of a 200 answer; failures are answered as errors instead. */
    ObjectNode result(MessageOutcome outcome) {
        ObjectNode result = mapper.createObjectNode();
        switch (outcome) {
            case MessageOutcome.Completed completed -> {
                result.put("status", "completed");
                result.set("ai_response", aiResponse(completed.reply()));
                result.set("extracted_actions", actions(completed.reply().actions()));
                result.set("pancake_result", pancakeResult(completed.delivery()));
                result.put("consolidated_messages", completed.consolidatedMessages());
                result.put("message_id", completed.messageId().value());
            }
            case MessageOutcome.Locked locked -> {
                result.put("status", "locked");
                result.put("reason", "processing_in_progress");
                result.put("message_id", locked.messageId().value());
            }
            case MessageOutcome.RestartNeeded restart -> {
                result.put("status", "restart_needed");
                ArrayNode newer = result.putArray("newer_messages");
                restart.newerMessages().forEach(m -> newer.addObject()
                        .put("message_id", m.messageId().value())
                        .put("timestamp", epochSeconds(m.timestamp())));
                ObjectNode current = result.putObject("current_result");
                restart.discarded().ifPresentOrElse(reply -> {
                    current.set("ai_response", aiResponse(reply));
                    current.set("extracted_actions", actions(reply.actions()));
                }, () -> {
                    current.putNull("ai_response");
                    current.putArray("extracted_actions");
                });
                current.putObject("pancake_result").put("status", "not_sent").put("actions_executed", 0);
                result.put("message_id", restart.messageId().value());
            }
            case MessageOutcome.Duplicate duplicate -> {
                result.put("status", "duplicate");
                result.put("message_id", duplicate.messageId().value());
                duplicate.earlierAnswer().ifPresentOrElse(reply -> {
                    result.set("ai_response", aiResponse(reply));
                    result.set("extracted_actions", actions(reply.actions()));
                }, () -> result.putNull("ai_response"));
            }
            case MessageOutcome.HandedOff handedOff -> {
                result.put("status", "handed_off");
                result.put("reason", "conversation_with_people");
                HandoffJson.put(result, "handoff", Optional.of(handedOff.handoff()));
                result.put("message_id", handedOff.messageId().value());
            }
            case MessageOutcome.AiRejected rejected -> {
                result.put("status", "ai_rejected");
                result.put("reason", rejected.reason());
                result.put("message_id", rejected.messageId().value());
            }
            case MessageOutcome.Failed failed -> {
                result.put("status", "failed");
                result.put("reason", failed.reason());
                result.put("retryable", failed.retryable());
                result.put("message_id", failed.messageId().value());
            }
        }
        result.put("storage_backend", storage.backendName());
        result.put("distributed_lock_used", storage.distributedLock());
        return result;
    }

    ObjectNode aiResponse(AiReply reply) {
        ObjectNode node = mapper.createObjectNode();
        node.put("response_text", reply.text());
        node.put("intent", reply.intent());
        node.put("confidence", reply.confidence());
        node.set("entities", mapper.valueToTree(reply.entities()));
        node.put("processing_time_ms", reply.processingTime().toMillis());
        node.put("model_used", reply.model());
        return node;
    }

    ArrayNode actions(List<Action> actions) {
        ArrayNode array = mapper.createArrayNode();
        actions.forEach(action -> array.addObject()
                .put("type", action.type().wireName())
                .set("data", mapper.valueToTree(action.data())));
        return array;
    }

    private ObjectNode pancakeResult(DeliveryReport report) {
        ObjectNode node = mapper.createObjectNode();
        long delivered = report.delivered();
        boolean due = report.actions().stream().anyMatch(a -> a.status() == DeliveryReport.Status.PENDING);
        // "queued": not delivered yet, and the outbox keeps trying until the delivery horizon.
        String status = report.allDelivered() ? "success" : report.anyRejected() ? (delivered > 0 ? "partial" : "failed")
                : due ? "queued" : delivered > 0 ? "partial" : "failed";
        node.put("status", status);
        node.put("actions_executed", delivered);
        ArrayNode details = node.putArray("actions");
        report.actions().forEach(a -> {
            ObjectNode detail = details.addObject()
                    .put("index", a.index())
                    .put("type", a.type().wireName())
                    .put("status", a.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("attempts", a.attempts());
            if (!a.lastError().isEmpty()) {
                detail.put("last_error", a.lastError());
            }
        });
        return node;
    }

    static double epochSeconds(java.time.Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }
}
