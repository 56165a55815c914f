package chat.orchestrator.http.inbound;

import chat.orchestrator.core.port.Job;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** The JSON shape of a job: id, conversation, status, result when completed, error when failed. */
final class JobJson {
    private final ObjectMapper mapper;
    private final OutcomeJson outcomes;

    JobJson(ObjectMapper mapper, OutcomeJson outcomes) {
        this.mapper = mapper;
        this.outcomes = outcomes;
    }

    ObjectNode job(Job job) {
        ObjectNode node = mapper.createObjectNode();
        node.put("job_id", job.id().toString());
        node.put("conversation_id", job.conversationId().value());
        node.put("status", job.status().name().toLowerCase(Locale.ROOT));
        job.reply().ifPresentOrElse(reply -> {
            ObjectNode result = node.putObject("result");
            result.set("ai_response", outcomes.aiResponse(reply));
            result.set("extracted_actions", outcomes.actions(reply.actions()));
        }, () -> node.putNull("result"));
        if (job.error().isEmpty()) {
            node.putNull("error");
        } else {
            node.put("error", job.error());
        }
        node.set("message_ids", mapper.valueToTree(job.messageIds().stream().map(id -> id.value()).toList()));
        node.put("created_at", job.createdAt().toString());
        node.put("updated_at", job.updatedAt().toString());
        return node;
    }
}
