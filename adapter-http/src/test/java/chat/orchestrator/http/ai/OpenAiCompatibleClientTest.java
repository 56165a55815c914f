package chat.orchestrator.http.ai;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.domain.Turn;
import chat.orchestrator.core.port.AiRejectedException;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.http.ai.StubHttpServer.Reply;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiCompatibleClientTest {
    static final String SYSTEM_PROMPT = "You are the booking assistant of Phòng khám An Tâm. Answer in the customer's"
            + " language. Reply with JSON that matches the schema.";
    static final ConversationId CONVERSATION = ConversationId.of("105230123456789_6029384756102938");
    static final Instant T0 = Instant.parse("2026-11-25T09:40:00Z");

    private final StubHttpServer server = StubHttpServer.start();
    private final List<OpenAiCompatibleClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(OpenAiCompatibleClient::close);
        server.close();
    }

    @Test
    void anAnswerInOurJson_becomesTheReplyWithItsIntentEntitiesActionsAndModel() {
        server.reply(Reply.json(200, Fixtures.text("openai-response-json.json")));

        AiReply reply = client(settings(3)).answer(context());

        assertEquals("Dạ còn ạ. Sáng thứ Hai có lịch lúc 8 giờ và 10 giờ, chị chọn giờ nào ạ?", reply.text());
        assertEquals("book_appointment", reply.intent());
        assertEquals(0.93, reply.confidence());
        assertEquals(Map.of("day", "thứ Hai", "service", "khám tổng quát"), reply.entities());
        assertEquals(List.of(new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00"))), reply.actions());
        assertEquals("qwen2.5-7b-instruct", reply.model());
    }

    @Test
    void aPlainTextAnswer_becomesOneSendMessageWithUnknownIntentAndMiddlingConfidence() {
        server.reply(Reply.json(200, Fixtures.text("openai-response-text.json")));

        AiReply reply = client(settings(3)).answer(context());

        String text = "Dạ còn ạ, sáng thứ Hai phòng khám còn lịch lúc 8 giờ và 10 giờ.";
        assertEquals(List.of(new Action.SendMessage(text)), reply.actions());
        assertEquals(text, reply.text());
        assertEquals("unknown", reply.intent());
        assertEquals(0.5, reply.confidence());
        assertEquals("llama-3.1-8b-instruct", reply.model());
    }

    @Test
    void jsonInsideAMarkdownFence_isReadAsTheAnswer() {
        server.reply(Reply.json(200, Fixtures.text("openai-response-fenced.json")));

        AiReply reply = client(settings(3)).answer(context());

        assertEquals("human_handoff", reply.intent());
        assertEquals(0.81, reply.confidence());
        assertEquals(List.of(new Action.TransferToAgent("customer_request", "")), reply.actions());
        assertEquals("phi-3-mini", reply.model());
    }

    @Test
    void contentThatLooksLikeJsonButDoesNotParse_isRefusedAndNotRetried() {
        server.otherwise(Reply.json(200, completion("{\"response_text\": \"Dạ còn ạ, sáng thứ Hai", "length")));

        AiUnavailableException refused = assertThrows(AiUnavailableException.class,
                () -> client(settings(3)).answer(context()));

        assertTrue(refused.getMessage().contains("does not parse"), refused.getMessage());
        assertTrue(refused.getMessage().contains("finish_reason length"), refused.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void anActionOfAnUnknownTypeOrWithInvalidData_isDroppedAndTheRestOfTheAnswerKept() {
        server.reply(Reply.json(200, completion("{\"response_text\": \"Dạ\", \"intent\": \"greet\", \"confidence\": 7,"
                + " \"entities\": {\"count\": 2, \"empty\": null}, \"actions\": ["
                + "{\"type\": \"send_sticker\", \"data\": {\"id\": \"1\"}},"
                + "{\"type\": \"send_quick_replies\", \"data\": {\"message\": \"Chọn\", \"options\": []}},"
                + "{\"type\": \"send_message\", \"data\": {\"message\": \"Dạ, em chào chị\"}}]}", "stop")));

        AiReply reply = client(settings(3)).answer(context());

        assertEquals(List.of(new Action.SendMessage("Dạ, em chào chị")), reply.actions());
        assertEquals(0.5, reply.confidence(), "a confidence outside 0..1 is replaced, not trusted");
        assertEquals(Map.of("count", "2"), reply.entities());
    }

    @Test
    void anAnswerWithNeitherTextNorAValidAction_isRefused() {
        server.reply(Reply.json(200, completion("{\"response_text\": \"\", \"actions\": [{\"type\": \"nope\"}]}", "stop")));

        AiUnavailableException refused = assertThrows(AiUnavailableException.class,
                () -> client(settings(3)).answer(context()));

        assertTrue(refused.getMessage().contains("neither a response_text nor a valid action"), refused.getMessage());
    }

    @Test
    void theRequest_carriesSystemPromptHistoryAndBurstInTimestampOrder_withTheFixturesResponseFormat() {
        server.reply(Reply.json(200, Fixtures.text("openai-response-json.json")));

        client(settings(3)).answer(context());

        StubHttpServer.Recorded request = server.requests().getFirst();
        assertEquals("POST", request.method());
        assertEquals("/v1/chat/completions", request.path());
        assertEquals(Optional.of("application/json"), request.header("Content-Type"));
        assertEquals(Fixtures.json("openai-request.json"), Fixtures.parse(request.text()));
    }

    @Test
    void theApiKey_isSentAsABearerToken_andNoAuthorizationWithoutOne() {
        server.reply(Reply.json(200, Fixtures.text("openai-response-text.json")),
                Reply.json(200, Fixtures.text("openai-response-text.json")));

        client(settings(1)).answer(context());
        client(new AiClientSettings(server.url().resolve("/v1"), Optional.of("m"), Optional.empty(), 0.2,
                Duration.ofSeconds(5), 1, Duration.ofMillis(10), Duration.ofMillis(10))).answer(context());

        assertEquals(Optional.of("Bearer sk-test-key"), server.requests().get(0).header("Authorization"));
        assertEquals(Optional.empty(), server.requests().get(1).header("Authorization"));
    }

    @Test
    void aServerSlowerThanTheTimeout_isRetriedThenReportedUnavailable() {
        server.otherwise(Reply.json(200, Fixtures.text("openai-response-json.json")).after(Duration.ofSeconds(3)));
        AiClientSettings settings = new AiClientSettings(server.url().resolve("/v1"), Optional.of("m"), Optional.empty(),
                0.2, Duration.ofMillis(300), 2, Duration.ofMillis(10), Duration.ofMillis(20));

        AiUnavailableException unavailable = assertThrows(AiUnavailableException.class,
                () -> client(settings).answer(context()));

        assertTrue(unavailable.getMessage().contains("after 2 attempt(s)"), unavailable.getMessage());
        assertTrue(unavailable.getMessage().contains("no answer within 300 ms"), unavailable.getMessage());
        assertEquals(2, server.requests().size());
    }

    @Test
    void aServerThatStallsMidBody_isCutOffAtTheTimeoutToo() {
        server.otherwise(Reply.json(200, Fixtures.text("openai-response-json.json")).stallingMidBody(Duration.ofSeconds(5)));
        AiClientSettings settings = new AiClientSettings(server.url().resolve("/v1"), Optional.of("m"), Optional.empty(),
                0.2, Duration.ofMillis(300), 2, Duration.ofMillis(10), Duration.ofMillis(20));

        AiUnavailableException unavailable = assertThrows(AiUnavailableException.class,
                () -> client(settings).answer(context()));

        assertTrue(unavailable.getMessage().contains("no answer within 300 ms"), unavailable.getMessage());
        assertEquals(2, server.requests().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 429})
    void aServerErrorOrRateLimit_isRetried_andTheNextAnswerUsed(int status) {
        server.reply(Reply.json(status, "{\"error\": {\"message\": \"busy\"}}"),
                Reply.json(200, Fixtures.text("openai-response-json.json")));

        AiReply reply = client(settings(3)).answer(context());

        assertEquals("book_appointment", reply.intent());
        assertEquals(2, server.requests().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 422})
    void aMisconfigurationAnswer_isARefusal_afterOneCall(int status) {
        server.otherwise(Reply.json(status, "{\"error\": {\"message\": \"refused\", \"code\": \"invalid_api_key\"}}"));

        AiRejectedException rejected = assertThrows(AiRejectedException.class, () -> client(settings(3)).answer(context()));

        assertTrue(rejected.getMessage().contains("HTTP " + status + ": refused"), rejected.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void retriesRunOut_isUnavailable_notARefusal() {
        server.otherwise(Reply.json(503, "{\"error\": {\"message\": \"overloaded\"}}"));

        AiUnavailableException unavailable = assertThrows(AiUnavailableException.class,
                () -> client(settings(2)).answer(context()));

        assertTrue(!(unavailable instanceof AiRejectedException), unavailable.toString());
        assertEquals(2, server.requests().size());
    }

    @Test
    void aRateLimitWithRetryAfter_isRetriedNoSoonerThanAsked_thoughTheBackoffIsMilliseconds() {
        server.reply(Reply.json(429, "{\"error\": {\"message\": \"slow down\"}}").withHeader("Retry-After", "1"),
                Reply.json(200, Fixtures.text("openai-response-json.json")));
        long started = System.nanoTime();

        AiReply reply = client(settings(3)).answer(context());

        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals("book_appointment", reply.intent());
        assertEquals(2, server.requests().size());
        assertTrue(waitedMillis >= 1_000, "the second attempt came after " + waitedMillis + " ms, before Retry-After");
    }

    @Test
    void aRateLimitAskingForLongerThanAnAttemptMayTake_endsTheCallAtOnce() {
        server.otherwise(Reply.json(429, "{\"error\": {\"message\": \"quota\"}}").withHeader("Retry-After", "120"));

        AiUnavailableException unavailable = assertThrows(AiUnavailableException.class,
                () -> client(settings(3)).answer(context()));

        assertTrue(unavailable.getMessage().contains("Retry-After 120 s"), unavailable.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void aBadRequest_isARefusal_notRetried_andItsMessageIsReported() {
        server.otherwise(Reply.json(400, Fixtures.text("openai-error-400.json")));

        AiRejectedException rejected = assertThrows(AiRejectedException.class,
                () -> client(settings(3)).answer(context()));

        assertTrue(rejected.getMessage().contains(
                "HTTP 400: Invalid value for 'response_format': json_schema is not supported by this model."),
                rejected.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void anUnreachableService_isRetriedUpToTheLimit_thenReportedUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AiClientSettings settings = new AiClientSettings(URI.create("http://127.0.0.1:" + closedPort + "/v1"),
                Optional.of("m"), Optional.empty(), 0.2, Duration.ofSeconds(2), 3, Duration.ofMillis(10),
                Duration.ofMillis(20));

        AiUnavailableException unavailable = assertThrows(AiUnavailableException.class,
                () -> client(settings).answer(context()));

        assertTrue(unavailable.getMessage().contains("after 3 attempt(s): connection failed"), unavailable.getMessage());
    }

    @Test
    void interruptingTheCallingThread_stopsTheCallPromptly_withAiUnavailable() throws Exception {
        server.otherwise(Reply.json(200, Fixtures.text("openai-response-json.json")).after(Duration.ofSeconds(20)));
        OpenAiCompatibleClient client = client(new AiClientSettings(server.url().resolve("/v1"), Optional.of("m"),
                Optional.empty(), 0.2, Duration.ofSeconds(30), 3, Duration.ofMillis(10), Duration.ofMillis(20)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                client.answer(context());
            } catch (Throwable failure) {
                thrown.set(failure);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        server.awaitRequests(1, Duration.ofSeconds(5));

        caller.interrupt();

        assertTrue(caller.join(Duration.ofSeconds(5)), "the call must end soon after the interrupt, not after 20 s");
        AiUnavailableException stopped = assertInstanceOf(AiUnavailableException.class, thrown.get());
        assertTrue(stopped.getMessage().contains("interrupted"), stopped.getMessage());
        assertTrue(stillInterrupted.get(), "the interrupt status is kept for the caller");
        assertEquals(1, server.requests().size(), "an interrupted call is not retried");
    }

    @Test
    void interruptingTheCallingThreadDuringTheBackoff_stopsTheRetriesPromptly() throws Exception {
        server.otherwise(Reply.json(503, "{\"error\": {\"message\": \"overloaded\"}}"));
        OpenAiCompatibleClient client = client(new AiClientSettings(server.url().resolve("/v1"), Optional.of("m"),
                Optional.empty(), 0.2, Duration.ofSeconds(5), 3, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                client.answer(context());
            } catch (Throwable failure) {
                thrown.set(failure);
            }
        });
        server.awaitRequests(1, Duration.ofSeconds(5));
        await("the caller sleeps in its 20 s backoff").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> sleeping(caller));

        caller.interrupt();

        assertTrue(caller.join(Duration.ofSeconds(5)), "the backoff must not outlive the interrupt");
        AiUnavailableException stopped = assertInstanceOf(AiUnavailableException.class, thrown.get());
        assertTrue(stopped.getMessage().contains("interrupted after 1 attempt(s)"), stopped.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void aClientWithoutAModel_isRefusedAtConstruction() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new OpenAiCompatibleClient(
                AiClientSettings.defaults(server.url()), () -> BotProfile.DEFAULT));

        assertEquals("AI model (AI_MODEL) is required for the OpenAI-compatible protocol", refused.getMessage());
    }

    /** The thread waits in {@code Thread.sleep}: the retry's backoff (an HTTP exchange never sleeps). */
    private static boolean sleeping(Thread thread) {
        return thread.getState() == Thread.State.TIMED_WAITING && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(Thread.class.getName())
                        && frame.getMethodName().startsWith("sleep"));
    }

    private OpenAiCompatibleClient client(AiClientSettings settings) {
        OpenAiCompatibleClient client = new OpenAiCompatibleClient(settings,
                () -> new BotProfile("An Tâm", SYSTEM_PROMPT, Map.of(), Map.of()));
        clients.add(client);
        return client;
    }

    private AiClientSettings settings(int attempts) {
        // A trailing slash as operators often write it: the client must not post to /v1//chat/completions.
        return new AiClientSettings(server.url().resolve("/v1/"), Optional.of("qwen2.5-7b-instruct"),
                Optional.of("sk-test-key"), 0.2, Duration.ofSeconds(5), attempts, Duration.ofMillis(10),
                Duration.ofMillis(40));
    }

    /** The conversation of openai-request.json, its burst handed over in arrival order, not timestamp order. */
    static ConversationContext context() {
        List<Turn> history = List.of(
                new Turn(Turn.Role.CUSTOMER, "Xin chào", T0),
                new Turn(Turn.Role.BOT, "Dạ, phòng khám An Tâm xin nghe ạ.", T0.plusSeconds(5)));
        InboundMessage later = message("m2", "Mình muốn khám tổng quát", T0.plusSeconds(62));
        InboundMessage earlier = message("m1", "Cho mình hỏi phòng khám còn lịch sáng thứ Hai không ạ?",
                T0.plusSeconds(60));
        return new ConversationContext(CONVERSATION, history, List.of(later, earlier));
    }

    static InboundMessage message(String id, String content, Instant at) {
        return new InboundMessage(MessageId.of(id), CONVERSATION, content, "6029384756102938", SenderType.USER, at,
                Map.of("platform", "facebook"));
    }

    /** A chat-completions response whose message content is the given text. */
    static String completion(String content, String finishReason) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode response = json.createObjectNode().put("id", "chatcmpl-test").put("object", "chat.completion")
                .put("model", "test-model");
        ObjectNode choice = response.putArray("choices").addObject().put("index", 0).put("finish_reason", finishReason);
        choice.putObject("message").put("role", "assistant").put("content", content);
        return response.toString();
    }
}
