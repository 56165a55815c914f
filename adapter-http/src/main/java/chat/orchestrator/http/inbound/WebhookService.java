package chat.orchestrator.http.inbound;

import chat.orchestrator.core.MessageSubmitter;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code POST /api/v1/pancake/webhook}: Pancake's own payload. Answers as soon as the message is recorded and
 * accepted (the answer goes on in the background), since Pancake stops calling a backend that is slow or fails
 * often; a duplicate is acknowledged, never an error. With a signature, requests must be signed (and
 * {@link Access#webhook} must guard the route).
 */
record WebhookService(MessageSubmitter submit, Optional<WebhookSignature> signature, JsonBody body, JsonResponses json,
                      Clock clock) implements HttpService {
    @Override
    public void routing(HttpRules rules) {
        rules.post("/webhook", this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) {
        // The caller was settled by Access.webhook before the body is read; with a secret, the signature header it
        // found present is now checked against the body.
        byte[] raw = body.readBytes(request);
        if (signature.isPresent() && !signature.get().verifies(raw,
                Access.presentedSignature(request).orElseThrow())) {
            throw new ApiException(Access.invalidSignature());
        }
        JsonNode payload = body.parseObject(raw);
        Object answer;
        switch (PancakeWebhookEvent.parse(payload, clock)) {
            case PancakeWebhookEvent.Parsed.Ignored ignored -> answer = new Ignored(true, "ignored", ignored.reason());
            case PancakeWebhookEvent.Parsed.CustomerMessage customer -> {
                Submission submission = submit.submit(customer.message());
                if (submission instanceof Submission.Decided(MessageOutcome.Failed failed) && failed.retryable()) {
                    // Not recorded: Pancake must deliver it again.
                    json.error(response, ApiError.unavailable(failed.reason()));
                    return;
                }
                answer = new Taken(true, status(submission), customer.message().id().value(),
                        customer.message().conversationId().value());
            }
        }
        json.send(response, Status.OK_200, answer);
    }

    record Ignored(boolean success, String status, String reason) {
    }

    record Taken(boolean success, String status, String messageId, String conversationId) {
    }

    private static String status(Submission submission) {
        return switch (submission) {
            case Submission.Started started -> "processing";
            case Submission.Decided(MessageOutcome.Duplicate duplicate) -> "duplicate";
            case Submission.Decided(MessageOutcome.Locked locked) -> "queued";
            case Submission.Decided decided -> "accepted";
        };
    }
}
