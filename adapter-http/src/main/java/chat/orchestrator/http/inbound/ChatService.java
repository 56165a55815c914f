package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.port.BotProfilePort;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.usecase.ChatJobs;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
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
record ChatService(ChatJobs chatJobs, BotProfilePort botProfiles, JsonBody body, JsonResponses json,
                   Clock clock) implements HttpService {
    @Override
    public void routing(HttpRules rules) {
        rules.post("/message", this::message)
                .get("/jobs/{id}", this::status)
                .post("/jobs/{id}/cancel", this::cancel);
    }

    private void message(ServerRequest request, ServerResponse response) {
        ChatMessageRequest chat = ChatMessageRequest.parse(body.readObject(request), clock.instant());
        ChatJobs.Submitted submitted = chatJobs.submit(chat.conversationId(), chat.burst());
        if (submitted.start() == ChatJobs.Start.FAILED) {
            json.error(response, ApiError.unavailable(submitted.failure()));
            return;
        }
        Start start = switch (submitted.start()) {
            case LOCK_ACQUIRED -> new Start("ai_processing_started",
                    "The AI is answering; follow the job for the result.", "lock_acquired");
            case JOINED_RUNNING_WORK -> new Start("locked",
                    "The conversation is being answered; these messages joined that answer.", "joined_running_job");
            default -> new Start("completed", "These messages were answered before.", "already_answered");
        };
        json.send(response, Status.OK_200, new Accepted(true, start.status(), start.message(), start.action(), null,
                submitted.job().id().toString(),
                submitted.fencingToken().isPresent() ? Long.toString(submitted.fencingToken().getAsLong()) : null,
                chat.conversationId().value(), chat.burst().size(), botProfiles.current().botName(),
                JobJson.of(submitted.job())));
    }

    private void status(ServerRequest request, ServerResponse response) {
        Job job = chatJobs.find(jobId(request)).orElseThrow(ChatService::notFound);
        json.send(response, Status.OK_200, new JobAnswer(true, JobJson.of(job)));
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        Job job = chatJobs.cancel(jobId(request), "cancelled by request").orElseThrow(ChatService::notFound);
        json.send(response, Status.OK_200, new Cancelled(true,
                job.status() == chat.orchestrator.core.port.JobStatus.CANCELLED, JobJson.of(job)));
    }

    /** How the submission started, as the answer says it. */
    private record Start(String status, String message, String action) {
    }

    /** The answer to a new message: {@code error} is always null here, {@code lock_id} null when joined. */
    record Accepted(boolean success, String status, String message, String action, String error, String aiJobId,
                    String lockId, String conversationId, int consolidatedMessages, String botName, JobJson job) {
    }

    record JobAnswer(boolean success, @JsonUnwrapped JobJson job) {
    }

    record Cancelled(boolean success, boolean cancelled, @JsonUnwrapped JobJson job) {
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
