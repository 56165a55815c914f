package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.usecase.Handoffs;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * Hand-off to people for operators ({@code ADMIN_ACCESS_TOKEN} or an admin JWT): hand a conversation to people, so the bot records
 * its messages without answering them, and hand it back. Both are idempotent; an unknown conversation is a 404.
 */
record HandoffService(Handoffs handoffs, JsonBody body, JsonResponses json) implements HttpService {
    private static final System.Logger LOG = System.getLogger(HandoffService.class.getName());

    @Override
    public void routing(HttpRules rules) {
        rules.post("/conversations/{id}/handoff", this::handOff)
                .post("/conversations/{id}/resume", this::resume);
    }

    private void handOff(ServerRequest request, ServerResponse response) {
        String who = Access.AdminCaller.of(request);
        ConversationId conversation = conversation(request);
        String reason = reason(request);
        Handoff handoff = handoffs.handOff(conversation, reason).orElseThrow(HandoffService::unknown);
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: hand off conversation={1}", who, conversation);
        send(response, conversation, Optional.of(handoff));
    }

    private void resume(ServerRequest request, ServerResponse response) {
        String who = Access.AdminCaller.of(request);
        ConversationId conversation = conversation(request);
        if (!handoffs.resume(conversation)) {
            throw unknown();
        }
        LOG.log(System.Logger.Level.INFO, "admin write by {0}: resume conversation={1}", who, conversation);
        send(response, conversation, Optional.empty());
    }

    private void send(ServerResponse response, ConversationId conversation, Optional<Handoff> handoff) {
        json.send(response, Status.OK_200,
                new Answer(true, conversation.value(), OutcomeJson.HandoffJson.orNull(handoff)));
    }

    /** {@code handoff} is null once the bot has the conversation back. */
    record Answer(boolean success, String conversationId, OutcomeJson.HandoffJson handoff) {
    }

    private static ConversationId conversation(ServerRequest request) {
        return ConversationId.of(WireIds.require("id", request.path().pathParameters().get("id")));
    }

    /** The optional body's {@code reason}; no body at all is no reason. */
    private String reason(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return "";
        }
        byte[] bytes = body.readBytes(request);
        if (bytes.length == 0) {
            return "";
        }
        String reason = new JsonFields(body.parseObject(bytes)).optionalString("reason").orElse("");
        if (reason.length() > Handoff.MAX_REASON) {
            throw new ApiException(ApiError.invalidField("reason",
                    "reason must be at most " + Handoff.MAX_REASON + " characters"));
        }
        return reason;
    }

    private static ApiException unknown() {
        return new ApiException(new ApiError(Status.NOT_FOUND_404, "unknown_conversation",
                "no conversation with this id has a recorded message", Optional.of("id")));
    }
}
