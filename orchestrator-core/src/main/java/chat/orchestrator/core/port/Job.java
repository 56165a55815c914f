package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The record of one asynchronous request, readable and cancellable from any instance until it expires. It names
 * the messages it carried, so any instance can tell from history when they have been answered.
 */
public record Job(
        UUID id,
        ConversationId conversationId,
        List<MessageId> messageIds,
        JobStatus status,
        Optional<AiReply> reply,
        String error,
        Instant createdAt,
        Instant updatedAt) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(conversationId, "conversationId");
        messageIds = List.copyOf(messageIds);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reply, "reply");
        error = error == null ? "" : error;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public static Job queued(ConversationId conversationId, List<MessageId> messageIds, Instant now) {
        return new Job(UUID.randomUUID(), conversationId, messageIds, JobStatus.QUEUED, Optional.empty(), "", now, now);
    }

    /** The same job moved to {@code next}, with the reply or error it finished with. */
    public Job moveTo(JobStatus next, Optional<AiReply> result, String failure, Instant now) {
        return new Job(id, conversationId, messageIds, next, result, failure, createdAt, now);
    }
}
