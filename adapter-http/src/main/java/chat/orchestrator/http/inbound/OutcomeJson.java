package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.MessageOutcome;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of a message outcome, one record per {@code MessageOutcome} subtype (docs/api.md, openapi.yaml).
 * Names are written in snake_case by {@link JsonResponses}' mapper; a {@code null} component is written as JSON null
 * unless it is marked to be left out.
 */
final class OutcomeJson {
    private OutcomeJson() {
    }

    /** The {@code result} object of a 200 answer; failures are answered as errors instead. */
    sealed interface Result {
    }

    /** Which store answered, closing every result. */
    record Storage(String storageBackend, boolean distributedLockUsed) {
        static Storage of(StorageDescription storage) {
            return new Storage(storage.backendName(), storage.distributedLock());
        }
    }

    record Completed(String status, AiResponse aiResponse, List<ActionJson> extractedActions,
                     PancakeResult pancakeResult, int consolidatedMessages, String messageId,
                     @JsonUnwrapped Storage storage) implements Result {
    }

    record Locked(String status, String reason, String messageId, @JsonUnwrapped Storage storage) implements Result {
    }

    record RestartNeeded(String status, List<Newer> newerMessages, Current currentResult, String messageId,
                         @JsonUnwrapped Storage storage) implements Result {
    }

    record Newer(String messageId, double timestamp) {
    }

    /** The answer that was discarded for newer messages: {@code ai_response} is null when there was none. */
    record Current(AiResponse aiResponse, List<ActionJson> extractedActions, PancakeResult pancakeResult) {
    }

    /** {@code extracted_actions} is left out when no earlier answer is known ({@code ai_response} is then null). */
    record Duplicate(String status, String messageId, AiResponse aiResponse,
                     @JsonInclude(JsonInclude.Include.NON_NULL) List<ActionJson> extractedActions,
                     @JsonUnwrapped Storage storage) implements Result {
    }

    record HandedOff(String status, String reason, HandoffJson handoff, String messageId,
                     @JsonUnwrapped Storage storage) implements Result {
    }

    record AiRejected(String status, String reason, String messageId, @JsonUnwrapped Storage storage)
            implements Result {
    }

    record Failed(String status, String reason, boolean retryable, String messageId, @JsonUnwrapped Storage storage)
            implements Result {
    }

    record AiResponse(String responseText, String intent, double confidence, Map<String, String> entities,
                      long processingTimeMs, String modelUsed) {
        static AiResponse of(AiReply reply) {
            return new AiResponse(reply.text(), reply.intent(), reply.confidence(), reply.entities(),
                    reply.processingTime().toMillis(), reply.model());
        }
    }

    record ActionJson(String type, Map<String, Object> data) {
        static List<ActionJson> of(List<Action> actions) {
            return actions.stream().map(action -> new ActionJson(action.type().wireName(), action.data())).toList();
        }
    }

    /** {@code actions} is left out where nothing was sent (a restart's discarded answer). */
    record PancakeResult(String status, long actionsExecuted,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<ActionDetail> actions) {
        static final PancakeResult NOT_SENT = new PancakeResult("not_sent", 0, null);

        static PancakeResult of(DeliveryReport report) {
            long delivered = report.delivered();
            boolean due = report.actions().stream().anyMatch(a -> a.status() == DeliveryReport.Status.PENDING);
            // "queued": not delivered yet, and the outbox keeps trying until the delivery horizon.
            String status = report.allDelivered() ? "success"
                    : report.anyRejected() ? (delivered > 0 ? "partial" : "failed")
                    : due ? "queued" : delivered > 0 ? "partial" : "failed";
            return new PancakeResult(status, delivered, report.actions().stream().map(a -> new ActionDetail(a.index(),
                    a.type().wireName(), a.status().name().toLowerCase(Locale.ROOT), a.attempts(),
                    a.lastError().isEmpty() ? null : a.lastError())).toList());
        }
    }

    /** {@code last_error} is left out when the action has none. */
    record ActionDetail(int index, String type, String status, int attempts,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String lastError) {
    }

    /** A hand-off to people, in the admin listing, the hand-off endpoints and a message outcome. */
    record HandoffJson(String since, String by, String reason, String lastActivity) {
        /** Null (written as JSON null) when the bot has the conversation. */
        static HandoffJson orNull(Optional<Handoff> handoff) {
            return handoff.map(h -> new HandoffJson(h.since().toString(), h.by().wireName(), h.reason(),
                    h.lastActivity().toString())).orElse(null);
        }
    }

    static Result result(MessageOutcome outcome, StorageDescription storageDescription) {
        Storage storage = Storage.of(storageDescription);
        return switch (outcome) {
            case MessageOutcome.Completed completed -> new Completed("completed", AiResponse.of(completed.reply()),
                    ActionJson.of(completed.reply().actions()), PancakeResult.of(completed.delivery()),
                    completed.consolidatedMessages(), completed.messageId().value(), storage);
            case MessageOutcome.Locked locked -> new Locked("locked", "processing_in_progress",
                    locked.messageId().value(), storage);
            case MessageOutcome.RestartNeeded restart -> new RestartNeeded("restart_needed",
                    restart.newerMessages().stream()
                            .map(m -> new Newer(m.messageId().value(), epochSeconds(m.timestamp()))).toList(),
                    new Current(restart.discarded().map(AiResponse::of).orElse(null),
                            restart.discarded().map(reply -> ActionJson.of(reply.actions())).orElse(List.of()),
                            PancakeResult.NOT_SENT),
                    restart.messageId().value(), storage);
            case MessageOutcome.Duplicate duplicate -> new Duplicate("duplicate", duplicate.messageId().value(),
                    duplicate.earlierAnswer().map(AiResponse::of).orElse(null),
                    duplicate.earlierAnswer().map(reply -> ActionJson.of(reply.actions())).orElse(null), storage);
            case MessageOutcome.HandedOff handedOff -> new HandedOff("handed_off", "conversation_with_people",
                    HandoffJson.orNull(Optional.of(handedOff.handoff())), handedOff.messageId().value(), storage);
            case MessageOutcome.AiRejected rejected -> new AiRejected("ai_rejected", rejected.reason(),
                    rejected.messageId().value(), storage);
            case MessageOutcome.Failed failed -> new Failed("failed", failed.reason(), failed.retryable(),
                    failed.messageId().value(), storage);
        };
    }

    static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }
}
