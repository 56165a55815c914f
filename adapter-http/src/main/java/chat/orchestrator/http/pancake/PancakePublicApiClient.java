package chat.orchestrator.http.pancake;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.PancakePort;
import chat.orchestrator.http.outbound.OutboundHttp;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pancake in public API mode: one {@code reply_inbox} POST per action that has text for the customer, to
 * {@code {base}/api/public_api/v1/pages/{page_id}/conversations/{conversation_id}/messages}, as the page the answer
 * belongs to and with that page's access token ({@link PageTokens}). The platform has no
 * native quick replies or carousels there, so every action is sent as its {@link Action#asText()} (numbered
 * options, card titles and links; the notice of a transfer to an agent); an action with no text is SKIPPED.
 *
 * <p>Actions go out in order, and the first one that cannot be delivered stops the rest, which are reported with
 * its status and no attempt: a customer must not read the second half of an answer without the first.
 * REJECTED means Pancake refused the request itself (auth codes 4001/4003, a 4xx): not retried. PENDING means the
 * attempt failed for a reason that may pass (5xx, 4029 rate limiting, timeouts, connection errors): the outbox sends
 * it again later, skipping the actions an earlier attempt delivered.
 */
public final class PancakePublicApiClient implements PancakePort, AutoCloseable {
    private static final String SKIPPED_REASON = "no text for the customer; nothing to send in public API mode";

    private final PancakeClientSettings settings;
    private final PageTokens pages;
    private final ObjectMapper json = PancakeExchange.mapper();
    private final PancakeExchange exchange;

    /** Answers every conversation as the configured page ({@code PANCAKE_PAGE_ID}) with its token. */
    public PancakePublicApiClient(PancakeClientSettings settings) {
        this(settings, PageTokens.of(Objects.requireNonNull(settings, "settings")));
    }

    /**
     * Answers each conversation as the page its answer names ({@link Delivery#pageId()}, from the webhook), else as
     * the default page, with that page's token; an answer for a page without a token is REJECTED, never sent as
     * another page.
     */
    public PancakePublicApiClient(PancakeClientSettings settings, PageTokens pages) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pages = Objects.requireNonNull(pages, "pages");
        this.exchange = new PancakeExchange(settings, "public_api", pages.secrets(), json);
    }

    @Override
    public DeliveryReport deliver(Delivery delivery) {
        List<Action> actions = delivery.actions();
        Optional<PageId> page = pages.pageFor(delivery.pageId());
        Optional<String> token = page.flatMap(pages::tokenFor);
        List<ActionDelivery> report = new ArrayList<>();
        Optional<ActionDelivery> stoppedBy = Optional.empty();
        Optional<Duration> retryAfter = Optional.empty();
        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            String text = action.asText();
            ActionDelivery result;
            if (delivery.deliveredActions().contains(i)) {
                // An earlier attempt delivered it: sending it again would show the customer the same text twice.
                result = new ActionDelivery(i, action.type(), DeliveryReport.Status.DELIVERED, 0, "");
            } else if (text.isBlank()) {
                result = new ActionDelivery(i, action.type(), DeliveryReport.Status.SKIPPED, 0, SKIPPED_REASON);
            } else if (stoppedBy.isPresent()) {
                result = new ActionDelivery(i, action.type(), stoppedBy.get().status(), 0,
                        "not sent: action #" + stoppedBy.get().index() + " before it was not delivered");
            } else if (token.isEmpty()) {
                result = new ActionDelivery(i, action.type(), DeliveryReport.Status.REJECTED, 0, unsendable(delivery, page));
            } else {
                Sent sent = send(delivery, page.get(), token.get(), i, action, text);
                result = sent.result();
                retryAfter = retryAfter.or(sent::retryAfter);
            }
            if (result.status() != DeliveryReport.Status.DELIVERED && result.status() != DeliveryReport.Status.SKIPPED
                    && stoppedBy.isEmpty()) {
                stoppedBy = Optional.of(result);
            }
            report.add(result);
        }
        return new DeliveryReport(report, retryAfter);
    }

    /** Why an answer cannot go out: it has no page, or its page no token; it is never sent as another page. */
    private static String unsendable(Delivery delivery, Optional<PageId> page) {
        return page.map(p -> "no page access token for page " + p + " (add it to PANCAKE_PAGE_ACCESS_TOKENS);"
                        + " not sent as another page")
                .orElseGet(() -> "no Pancake page for conversation " + delivery.conversationId()
                        + " (none from the webhook, PANCAKE_PAGE_ID not set)");
    }

    /** The body of Pancake's send-message call. */
    record Reply(String action, String message) {
    }

    private record Sent(ActionDelivery result, Optional<Duration> retryAfter) {
    }

    private Sent send(Delivery delivery, PageId page, String token, int index, Action action, String text) {
        String key = delivery.idempotencyKey() + ":" + index;
        byte[] body;
        try {
            body = json.writeValueAsBytes(new Reply("reply_inbox", text));
        } catch (JsonProcessingException unencodable) {
            // Only text Jackson cannot write as UTF-8 (a lone surrogate from a model's escape) gets here.
            return new Sent(new ActionDelivery(index, action.type(), DeliveryReport.Status.REJECTED, 0,
                    "message cannot be encoded as JSON: " + unencodable.getOriginalMessage()), Optional.empty());
        }
        HttpRequest request = OutboundHttp.carryRequestId(HttpRequest.newBuilder(messagesUrl(page, token, delivery.conversationId()))
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)))
                .build();
        PancakeExchange.Result result = exchange.send(request, delivery.conversationId(),
                "action #" + index + " (" + action.type().wireName() + ") key " + key);
        return new Sent(new ActionDelivery(index, action.type(), result.status(), result.attempts(), result.lastError()),
                result.retryAfter());
    }

    private URI messagesUrl(PageId page, String token, ConversationId conversation) {
        return URI.create(settings.baseUrl() + "/api/public_api/v1/pages/" + PathSegments.encode(page.value())
                + "/conversations/" + PathSegments.encode(conversation.value())
                + "/messages?page_access_token=" + PathSegments.encode(token));
    }

    @Override
    public void close() {
        exchange.close();
    }
}
