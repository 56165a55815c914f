package chat.orchestrator.redis;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A job as stored in Redis. The top-level {@code status} field is read by the update script (cjson), so its name
 * and values (the {@link JobStatus} names) are part of the stored format.
 */
final class JobJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JobJson() {
    }

    private record StoredJob(String id, String conversationId, List<String> messageIds, String status,
                             StoredReply reply, String error, String createdAt, String updatedAt) {
    }

    private record StoredReply(String text, String intent, double confidence, Map<String, String> entities,
                               String model, String processingTime, List<StoredAction> actions) {
    }

    private record StoredAction(String type, Map<String, Object> data) {
    }

    static String write(Job job) {
        StoredReply reply = job.reply().map(JobJson::stored).orElse(null);
        try {
            return MAPPER.writeValueAsString(new StoredJob(job.id().toString(), job.conversationId().value(),
                    job.messageIds().stream().map(MessageId::value).toList(), job.status().name(), reply, job.error(),
                    job.createdAt().toString(), job.updatedAt().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job " + job.id() + " as JSON", e);
        }
    }

    static Job read(String json) {
        try {
            StoredJob stored = MAPPER.readValue(json, StoredJob.class);
            Optional<AiReply> reply = Optional.ofNullable(stored.reply()).map(JobJson::reply);
            List<MessageId> messageIds = stored.messageIds() == null ? List.of()
                    : stored.messageIds().stream().map(MessageId::of).toList();
            return new Job(UUID.fromString(stored.id()), ConversationId.of(stored.conversationId()), messageIds,
                    JobStatus.valueOf(stored.status()), reply, stored.error(), Instant.parse(stored.createdAt()),
                    Instant.parse(stored.updatedAt()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a job in Redis is not valid JSON", e);
        }
    }

    private static StoredReply stored(AiReply reply) {
        List<StoredAction> actions = reply.actions().stream()
                .map(a -> new StoredAction(a.type().wireName(), a.data()))
                .toList();
        return new StoredReply(reply.text(), reply.intent(), reply.confidence(), reply.entities(), reply.model(),
                reply.processingTime().toString(), actions);
    }

    private static AiReply reply(StoredReply stored) {
        List<Action> actions = stored.actions().stream()
                .map(a -> Action.fromData(ActionType.fromWireName(a.type()).orElseThrow(
                        () -> new IllegalStateException("unknown action type in a stored job: " + a.type())), a.data()))
                .toList();
        return new AiReply(stored.text(), stored.intent(), stored.confidence(), stored.entities(), stored.model(),
                Duration.parse(stored.processingTime()), actions);
    }
}
