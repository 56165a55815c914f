package chat.orchestrator.http.pancake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.http.ai.Fixtures;
import chat.orchestrator.http.ai.StubHttpServer;
import chat.orchestrator.http.ai.StubHttpServer.Recorded;
import chat.orchestrator.http.ai.StubHttpServer.Reply;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PancakePublicApiClientTest {
    static final String PAGE = "105230123456789";
    static final String TOKEN = "page-token-abc123";
    static final String OK = Fixtures.text("pancake-reply-ok.json");

    private final StubHttpServer server = StubHttpServer.start();
    private final List<PancakePublicApiClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(PancakePublicApiClient::close);
        server.close();
    }

    @Test
    void aTextReply_isPostedAsReplyInbox_toThePagesConversation_withTheTokenInTheQuery() {
        server.reply(Reply.json(200, OK));
        String text = Fixtures.json("pancake-reply-request.json").path("message").asText();

        DeliveryReport report = client().deliver(Deliveries.of(new Action.SendMessage(text)));

        Recorded request = server.requests().getFirst();
        assertEquals("POST", request.method());
        assertEquals("/api/public_api/v1/pages/" + PAGE + "/conversations/105230123456789_6029384756102938/messages",
                request.path());
        assertEquals(Map.of("page_access_token", TOKEN), request.query());
        assertEquals(Fixtures.json("pancake-reply-request.json"), Fixtures.parse(request.text()));
        assertEquals(Optional.of(Deliveries.RUN + ":0"), request.header("Idempotency-Key"));
        assertEquals(List.of(new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 1, "")), report.actions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4001", "4003"})
    void anAuthFailure_isNotRetried_failsTheAction_andStopsTheRest(String code) {
        server.otherwise(Reply.json(200, Fixtures.text("pancake-reply-auth-error.json").replace("4001", code)));

        DeliveryReport report = client().deliver(
                Deliveries.of(new Action.SendMessage("Dạ còn ạ"), new Action.SendMessage("Chị chọn giờ nào ạ?")));

        assertEquals(1, server.requests().size());
        ActionDelivery first = report.actions().get(0);
        assertEquals(Status.REJECTED, first.status());
        assertEquals(1, first.attempts());
        assertEquals("Pancake error " + code + ": Invalid page_access_token (auth failure, not retried)", first.lastError());
        assertEquals(new ActionDelivery(1, ActionType.SEND_MESSAGE, Status.REJECTED, 0,
                "not sent: action #0 before it was not delivered"), report.actions().get(1));
    }

    @Test
    void rateLimiting_isLeftToTheOutboxBackoff_notHammeredInCall() {
        server.reply(Reply.json(200, Fixtures.text("pancake-reply-rate-limited.json")), Reply.json(200, OK));

        DeliveryReport report = client().deliver(Deliveries.of(new Action.SendMessage("Dạ còn ạ")));

        assertEquals(1, server.requests().size(), "a rate limit is not answered with an immediate retry");
        ActionDelivery action = report.actions().getFirst();
        assertEquals(Status.PENDING, action.status());
        assertEquals(1, action.attempts());
        assertEquals("Pancake error 4029: Too many requests, please try again later", action.lastError());
        assertEquals(Optional.of(java.time.Duration.ofSeconds(5)), report.retryAfter());
    }

    @Test
    void serverErrorsUntilTheLastAttempt_leaveTheActionDue_withAttemptsEqualToTheMaximum() {
        server.otherwise(Reply.json(503, ""));

        DeliveryReport report = client().deliver(
                Deliveries.of(new Action.SendMessage("Dạ còn ạ"), new Action.SendMessage("Chị chọn giờ nào ạ?")));

        assertEquals(Deliveries.MAX_ATTEMPTS, server.requests().size(), "the second action is not attempted");
        assertEquals(List.of(
                new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.PENDING, Deliveries.MAX_ATTEMPTS, "HTTP 503"),
                new ActionDelivery(1, ActionType.SEND_MESSAGE, Status.PENDING, 0,
                        "not sent: action #0 before it was not delivered")), report.actions());
    }

    @Test
    void quickRepliesAndCarousels_areSentAsNumberedText() {
        server.otherwise(Reply.json(200, OK));

        client().deliver(Deliveries.of(
                new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00")),
                new Action.SendCarousel(List.of(
                        new Action.Card("Khám tổng quát", "350.000đ", "", "https://antam.vn/kham"),
                        new Action.Card("Khám nhi", "", "", "")))));

        assertEquals("Chị chọn giờ nào ạ?\n1. 8:00\n2. 10:00", messageOf(server.requests().get(0)));
        assertEquals("1. Khám tổng quát - 350.000đ https://antam.vn/kham\n2. Khám nhi", messageOf(server.requests().get(1)));
    }

    @Test
    void vietnameseTextAndEmoji_reachPancakeByteForByte() {
        server.reply(Reply.json(200, OK));
        String text = "Cho mình hỏi phòng khám còn lịch sáng thứ Hai không ạ? 🙏";

        client().deliver(Deliveries.of(new Action.SendMessage(text)));

        byte[] expected = ("{\"action\":\"reply_inbox\",\"message\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, server.requests().getFirst().body());
    }

    @Test
    void actionsWithoutText_areSkippedAndSendNothing_whileATransferSendsItsNotice() {
        server.otherwise(Reply.json(200, OK));

        DeliveryReport report = client().deliver(Deliveries.of(
                new Action.ExecuteApi("create_booking", Map.of("slot", "8:00")),
                new Action.TransferToAgent("customer_request", "Em chuyển chị sang nhân viên tư vấn ạ."),
                new Action.EndConversation("")));

        assertEquals(1, server.requests().size());
        assertEquals("Em chuyển chị sang nhân viên tư vấn ạ.", messageOf(server.requests().getFirst()));
        assertEquals(Optional.of(Deliveries.RUN + ":1"), server.requests().getFirst().header("Idempotency-Key"));
        assertEquals(List.of(Status.SKIPPED, Status.DELIVERED, Status.SKIPPED),
                report.actions().stream().map(ActionDelivery::status).toList());
        assertTrue(report.allDelivered());
    }

    @Test
    void eachActionCarriesItsOwnIdempotencyKey_keptAcrossItsRetries() {
        server.reply(Reply.json(200, OK), Reply.json(500, ""), Reply.json(200, OK));

        client().deliver(Deliveries.of(new Action.SendMessage("Dạ"), new Action.SendMessage("Chị chờ em chút ạ")));

        assertEquals(List.of(Optional.of(Deliveries.RUN + ":0"), Optional.of(Deliveries.RUN + ":1"),
                        Optional.of(Deliveries.RUN + ":1")),
                server.requests().stream().map(r -> r.header("Idempotency-Key")).toList());
    }

    @Test
    void eachAnswerGoesOutAsItsOwnPage_withThatPagesToken_andOneWithoutAPageAsTheDefault() {
        server.otherwise(Reply.json(200, OK));
        PancakePublicApiClient client = track(new PancakePublicApiClient(settings(server.url()),
                PageTokens.of(Optional.of(PAGE), Optional.of(TOKEN),
                        PageTokens.parse("17841400000000001:ig-token-1, 3344556677:zalo-token-2"))));
        ConversationId onInstagram = ConversationId.of("17841400000000001_998877");

        client.deliver(Deliveries.of(onInstagram, Optional.of(new PageId("17841400000000001")), new Action.SendMessage("Dạ")));
        client.deliver(Deliveries.of(new Action.SendMessage("Dạ")));

        assertEquals("/api/public_api/v1/pages/17841400000000001/conversations/17841400000000001_998877/messages",
                server.requests().get(0).path());
        assertEquals(Map.of("page_access_token", "ig-token-1"), server.requests().get(0).query());
        assertEquals("/api/public_api/v1/pages/" + PAGE + "/conversations/105230123456789_6029384756102938/messages",
                server.requests().get(1).path());
        assertEquals(Map.of("page_access_token", TOKEN), server.requests().get(1).query());
    }

    @Test
    void anAnswerForAPageWithoutAToken_isRejectedWithTheReason_andNothingIsSentAsAnotherPage() {
        server.otherwise(Reply.json(200, OK));
        PancakePublicApiClient client = track(new PancakePublicApiClient(settings(server.url()),
                PageTokens.of(Optional.of(PAGE), Optional.of(TOKEN), Map.of())));

        DeliveryReport report = client.deliver(Deliveries.of(ConversationId.of("555_1"), Optional.of(new PageId("555")),
                new Action.SendMessage("Dạ"), new Action.SendMessage("Chị chọn giờ nào ạ?")));

        assertTrue(server.requests().isEmpty(), "not one request, from any page");
        assertEquals(List.of(Status.REJECTED, Status.REJECTED), report.actions().stream().map(ActionDelivery::status).toList());
        assertEquals("no page access token for page 555 (add it to PANCAKE_PAGE_ACCESS_TOKENS); not sent as another page",
                report.actions().getFirst().lastError());
    }

    @Test
    void withoutADefaultPage_anAnswerThatNamesNoPage_isRejected() {
        PancakePublicApiClient client = track(new PancakePublicApiClient(settings(server.url()),
                PageTokens.of(Optional.empty(), Optional.empty(), Map.of("999", "t-999"))));

        DeliveryReport report = client.deliver(Deliveries.of(new Action.SendMessage("Dạ")));

        assertTrue(server.requests().isEmpty());
        assertEquals(Status.REJECTED, report.actions().getFirst().status());
        assertTrue(report.actions().getFirst().lastError().startsWith("no Pancake page for conversation"),
                report.actions().getFirst().lastError());
    }

    @Test
    void idsAreEncodedAsOnePathSegment() {
        server.otherwise(Reply.json(200, OK));

        client().deliver(Deliveries.of(ConversationId.of("a/b c"), new Action.SendMessage("Dạ")));

        assertEquals("/api/public_api/v1/pages/" + PAGE + "/conversations/a%2Fb%20c/messages",
                server.requests().getFirst().path());
    }

    @Test
    void anUnreachablePancake_isRetriedAndLeftDue_andTheTokenNeverAppearsInTheError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PancakePublicApiClient client = track(new PancakePublicApiClient(settings(URI.create("http://127.0.0.1:" + closedPort))));

        ActionDelivery action = client.deliver(Deliveries.of(new Action.SendMessage("Dạ"))).actions().getFirst();

        assertEquals(Status.PENDING, action.status());
        assertEquals(Deliveries.MAX_ATTEMPTS, action.attempts());
        assertTrue(action.lastError().startsWith("connection failed"), action.lastError());
        assertFalse(action.lastError().contains(TOKEN), action.lastError());
    }

    @Test
    void anInterruptedDelivery_endsPromptlyWithoutThrowing_leavesTheRestDue_andKeepsTheInterrupt() throws Exception {
        server.otherwise(Reply.json(200, OK).after(Duration.ofSeconds(20)));
        PancakePublicApiClient client = client();
        AtomicReference<DeliveryReport> report = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread worker = Thread.ofPlatform().start(() -> {
            report.set(client.deliver(Deliveries.of(new Action.SendMessage("Dạ"), new Action.SendMessage("Chị chờ em"))));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        server.awaitRequests(1, Duration.ofSeconds(5));

        worker.interrupt();

        assertTrue(worker.join(Duration.ofSeconds(5)), "delivery must stop soon after the interrupt");
        assertEquals(List.of(Status.PENDING, Status.PENDING),
                report.get().actions().stream().map(ActionDelivery::status).toList());
        assertEquals("interrupted after 1 attempt(s)", report.get().actions().getFirst().lastError());
        assertTrue(stillInterrupted.get());
        assertEquals(1, server.requests().size());
    }

    private static String messageOf(Recorded request) {
        return Fixtures.parse(request.text()).path("message").asText();
    }

    @Test
    void actionsAnEarlierAttemptDelivered_areNotSentAgain() {
        server.otherwise(Reply.json(200, OK));
        chat.orchestrator.core.port.Delivery first = Deliveries.of(new Action.SendMessage("Dạ còn ạ"),
                new Action.SendMessage("Chị chọn giờ nào ạ?"));
        chat.orchestrator.core.port.Delivery retry = new chat.orchestrator.core.port.Delivery(first.conversationId(),
                first.runId(), first.fencingToken(), first.reply(), first.answeredAt(), java.util.Set.of(0));

        DeliveryReport report = client().deliver(retry);

        assertEquals(1, server.requests().size());
        assertTrue(new String(server.requests().getFirst().body(), StandardCharsets.UTF_8).contains("Chị chọn giờ nào ạ?"));
        assertEquals(List.of(Status.DELIVERED, Status.DELIVERED),
                report.actions().stream().map(ActionDelivery::status).toList());
        assertEquals(0, report.actions().getFirst().attempts(), "nothing sent for the first this time");
    }

    private PancakePublicApiClient client() {
        return track(new PancakePublicApiClient(settings(server.url())));
    }

    private PancakePublicApiClient track(PancakePublicApiClient client) {
        clients.add(client);
        return client;
    }

    private static PancakeClientSettings settings(URI base) {
        return Deliveries.settings(base, PancakeClientSettings.DEFAULT_CALLBACK_PATH, Optional.empty(),
                Optional.of(PAGE), Optional.of(TOKEN));
    }
}
