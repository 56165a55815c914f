package chat.orchestrator.http.inbound;

import chat.orchestrator.core.port.Job;
import java.util.List;
import java.util.Locale;

/**
 * The JSON shape of a job: id, conversation, status, result when completed (null before), error when failed (null
 * otherwise).
 */
record JobJson(String jobId, String conversationId, String status, JobResult result, String error,
               List<String> messageIds, String createdAt, String updatedAt) {

    record JobResult(OutcomeJson.AiResponse aiResponse, List<OutcomeJson.ActionJson> extractedActions) {
    }

    static JobJson of(Job job) {
        return new JobJson(job.id().toString(), job.conversationId().value(),
                job.status().name().toLowerCase(Locale.ROOT),
                job.reply().map(reply -> new JobResult(OutcomeJson.AiResponse.of(reply),
                        OutcomeJson.ActionJson.of(reply.actions()))).orElse(null),
                job.error().isEmpty() ? null : job.error(),
                job.messageIds().stream().map(id -> id.value()).toList(),
                job.createdAt().toString(), job.updatedAt().toString());
    }
}
