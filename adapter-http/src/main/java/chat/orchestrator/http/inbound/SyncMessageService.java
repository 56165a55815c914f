package chat.orchestrator.http.inbound;

import chat.orchestrator.core.MessageHandler;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;

/** {@code POST /api/v1/enhanced-handle-message}: one Pancake message in, the outcome that covers it out. */
record SyncMessageService(MessageHandler messages, JsonBody body, JsonResponses json, StorageDescription storage,
                          Clock clock) implements HttpService {
    @Override
    public void routing(HttpRules rules) {
        rules.post("", this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) {
        long started = System.nanoTime();
        InboundMessage message = SyncMessageRequest.parse(body.readObject(request));
        MessageOutcome outcome = messages.handle(message);
        if (outcome instanceof MessageOutcome.Failed failed) {
            json.error(response, failed.retryable() ? ApiError.unavailable(failed.reason()) : ApiError.internal(failed.reason()));
            return;
        }
        if (outcome instanceof MessageOutcome.AiRejected rejected) {
            json.error(response, ApiError.aiRejected(rejected.reason()));
            return;
        }
        json.send(response, Status.OK_200, new Answer(true, OutcomeJson.result(outcome, storage),
                clock.instant().toString(), (System.nanoTime() - started) / 1_000_000));
    }

    record Answer(boolean success, OutcomeJson.Result result, String timestamp, long processingTimeMs) {
    }
}
