package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.port.BotProfilePort;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.usecase.ChatJobs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The asynchronous API ({@code PANCAKE_ACCESS_TOKEN}): {@code POST /api/v1/chat/message} answers at once with a job
 * id; {@code GET /api/v1/chat/jobs/{id}} and {@code POST /api/v1/chat/jobs/{id}/cancel} follow and cancel it.
 */
public final class ChatService implements HttpService {
    private final ChatJobs chatJobs;
    private final BotProfilePort botProfiles;
    private final BearerToken token;
    private final JsonBody body;
    private final JsonResponses json;
    private final JobJson jobJson;
    private final Clock clock;

    public ChatService(ChatJobs chatJobs, BotProfilePort botProfiles, BearerToken token, JsonBody body,
                       JsonResponses json, StorageDescription storage, Clock clock) {
        this.chatJobs = chatJobs;
        this.botProfiles = botProfiles;
        this.token = token;
        this.body = body;
        this.json = json;
        this.jobJson = new JobJson(json.mapper(), new OutcomeJson(json.mapper(), storage));
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/v1/chat/message", this::message)
                .get("/api/v1/chat/jobs/{id}", this::status)
                .post("/api/v1/chat/jobs/{id}/cancel", this::cancel);
    }

    private void message(ServerRequest request, ServerResponse response) {
        token.require(request);
        ChatMessageRequest chat = ChatMessageRequest.parse(body.readObject(request), clock.instant());
        ChatJobs.Submitted submitted = chatJobs.submit(chat.conversationId(), chat.burst());
        if (submitted.start() == ChatJobs.Start.FAILED) {
            json.error(response, ApiError.unavailable(submitted.failure()));
            return;
        }
        ObjectNode answer = json.mapper().createObjectNode();
        answer.put("success", true);
        switch (submitted.start()) {
            case LOCK_ACQUIRED -> answer.put("status", "ai_processing_started")
                    .put("message", "The AI is answering; follow the job for the result.")
                    .put("action", "lock_acquired");
            case JOINED_RUNNING_WORK -> answer.put("status", "locked")
                    .put("message", "The conversation is being answered; these messages joined that answer.")
                    .put("action", "joined_running_job");
            default -> answer.put("status", "completed")
                    .put("message", "These messages were answered before.")
                    .put("action", "already_answered");
        }
        answer.putNull("error");
        answer.put("ai_job_id", submitted.job().id().toString());
        if (submitted.fencingToken().isPresent()) {
            answer.put("lock_id", Long.toString(submitted.fencingToken().getAsLong()));
        } else {
            answer.putNull("lock_id");
        }
        answer.put("conversation_id", chat.conversationId().value());
        answer.put("consolidated_messages", chat.burst().size());
        answer.put("bot_name", botProfiles.current().botName());
        answer.set("job", jobJson.job(submitted.job()));
        json.send(response, Status.OK_200, answer);
    }

    private void status(ServerRequest request, ServerResponse response) {
        token.require(request);
        Job job = chatJobs.find(jobId(request)).orElseThrow(ChatService::notFound);
        json.send(response, Status.OK_200, json.mapper().createObjectNode().put("success", true).setAll(jobJson.job(job)));
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        token.require(request);
        Job job = chatJobs.cancel(jobId(request), "cancelled by request").orElseThrow(ChatService::notFound);
        json.send(response, Status.OK_200, json.mapper().createObjectNode().put("success", true)
                .put("cancelled", job.status() == chat.orchestrator.core.port.JobStatus.CANCELLED)
                .setAll(jobJson.job(job)));
    }

    private static UUID jobId(ServerRequest request) {
        try {
            return UUID.fromString(request.path().pathParameters().get("id"));
        } catch (IllegalArgumentException notAUuid) {
            throw new InvalidInputException("id", "must be a job id (a UUID)");
        }
    }

    private static ApiException notFound() {
        return new ApiException(new ApiError(Status.NOT_FOUND_404, "job_not_found",
                "no such job (it may have expired)", Optional.empty()));
    }
}
