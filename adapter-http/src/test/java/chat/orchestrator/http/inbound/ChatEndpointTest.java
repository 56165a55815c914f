package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatEndpointTest {
    private static final String PATH = "/api/v1/chat/message";
    private RunningApi api;

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aChatMessage_startsAJobAtOnce_whoseResultIsTheAnswerToTheLastCustomerTurns() throws Exception {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.post(PATH, fixture("chat-message-request.json"));

        assertEquals(200, reply.status(), reply.json().toString());
        JsonNode body = reply.json();
        assertTrue(body.get("success").asBoolean());
        assertEquals("ai_processing_started", body.get("status").asText());
        assertEquals("lock_acquired", body.get("action").asText());
        assertTrue(body.get("error").isNull());
        assertEquals(1, body.get("consolidated_messages").asInt(), "only the turn after the bot's last answer");
        assertEquals("Default Bot", body.get("bot_name").asText());
        assertEquals("7c1f3e2a-5d4b-4f7e-9a61-2b8c0d9e4f10", body.get("conversation_id").asText());
        assertFalse(body.get("lock_id").isNull());
        UUID job = UUID.fromString(body.get("ai_job_id").asText());

        JsonNode done = awaitJob(job, "completed");

        assertEquals("book_appointment", done.get("result").get("ai_response").get("intent").asText());
        assertEquals("en", done.get("result").get("ai_response").get("entities").get("language").asText());
        assertTrue(done.get("result").get("extracted_actions").isArray());
    }

    @Test
    void theSameRequestAgain_isAnsweredFromTheFirstAnswer_notASecondOne() throws Exception {
        api = new RunningApi(new RuleBasedResponder());
        UUID first = UUID.fromString(api.post(PATH, fixture("chat-message-request.json")).json().get("ai_job_id").asText());
        awaitJob(first, "completed");

        RunningApi.Reply again = api.post(PATH, fixture("chat-message-request.json"));
        api.orchestrator.close(); // returns once every worker has finished: a second answer would be stored by now

        assertEquals("completed", again.json().get("status").asText());
        assertEquals("already_answered", again.json().get("action").asText());
        assertEquals("completed", again.json().get("job").get("status").asText());
        assertEquals(1, api.history.sentRuns().size());
    }

    @Test
    void withoutAConversationId_oneIsGenerated() {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply reply = api.post(PATH, "{\"history\": \"<USER>Xin chào</USER>\"}");

        assertEquals(200, reply.status());
        assertEquals(4, UUID.fromString(reply.json().get("conversation_id").asText()).version());
    }

    @Test
    void whenTheConversationIsBusy_theMessagesJoinTheRunningWork() {
        api = new RunningApi(new RuleBasedResponder());
        api.locks.tryAcquire(ConversationId.of("busy"), Duration.ofSeconds(30)).orElseThrow();

        RunningApi.Reply reply = api.post(PATH, "{\"conversation_id\": \"busy\", \"history\": \"<USER>Xin chào</USER>\"}");

        assertEquals(200, reply.status());
        assertEquals("locked", reply.json().get("status").asText());
        assertEquals("joined_running_job", reply.json().get("action").asText());
        assertEquals("processing", reply.json().get("job").get("status").asText());
        assertEquals(1, api.state.pendingIds(ConversationId.of("busy")).size(), "the message waits for the holder");
    }

    @Test
    void aRunningJobCanBeCancelled_onceOnly() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RuleBasedResponder rules = new RuleBasedResponder();
        api = new RunningApi(context -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return rules.answer(context);
        });
        String job = api.post(PATH, fixture("chat-message-request.json")).json().get("ai_job_id").asText();

        RunningApi.Reply cancelled = api.post("/api/v1/chat/jobs/" + job + "/cancel", "");
        release.countDown();

        assertEquals(200, cancelled.status(), cancelled.json().toString());
        assertTrue(cancelled.json().get("cancelled").asBoolean());
        assertEquals("cancelled", cancelled.json().get("status").asText());
        // Closing returns once the worker has finished, and the job's completion runs on the worker as it answers.
        api.orchestrator.close();
        assertEquals(1, api.history.sentRuns().size(), "the answer arrived after the cancel");
        assertEquals("cancelled", api.get("/api/v1/chat/jobs/" + job, RunningApi.TOKEN).json().get("status").asText(),
                "a cancelled job stays cancelled when its answer arrives");
        RunningApi.Reply again = api.post("/api/v1/chat/jobs/" + job + "/cancel", "");
        assertEquals("cancelled", again.json().get("status").asText());
    }

    @Test
    void anUnknownJob_is404_andAMalformedJobId_is422() {
        api = new RunningApi(new RuleBasedResponder());

        RunningApi.Reply unknown = api.get("/api/v1/chat/jobs/" + UUID.randomUUID(), RunningApi.TOKEN);
        RunningApi.Reply malformed = api.get("/api/v1/chat/jobs/not-a-uuid", RunningApi.TOKEN);

        assertEquals(404, unknown.status());
        assertEquals("job_not_found", unknown.json().get("error").get("code").asText());
        assertEquals(422, malformed.status());
        assertEquals("id", malformed.json().get("error").get("field").asText());
    }

    private JsonNode awaitJob(UUID job, String status) {
        JsonNode body = await("job " + job + " " + status).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> api.get("/api/v1/chat/jobs/" + job, RunningApi.TOKEN).json(),
                        json -> status.equals(json.get("status").asText()));
        assertEquals(job.toString(), body.get("job_id").asText());
        return body;
    }
}
