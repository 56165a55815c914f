package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.AiReply;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How every JSON answer is framed, whoever writes it: the exact media type, JSON whatever the caller's
 * {@code Accept} says (only {@code /openapi} negotiates), and emoji as their UTF-8 bytes rather than escapes.
 */
class JsonMediaTest {
    private static final String JSON = "application/json; charset=utf-8";
    private static final String EMOJI = "Xin chào 😀";

    private RunningApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void anAnswer_isJsonInUtf8_evenToACallerThatAcceptsOnlyText() {
        api = new RunningApi(context -> reply("ok"));

        HttpResponse<String> live = api.sendRaw(api.request("/health/live").header("Accept", "text/plain").GET().build());

        assertEquals(200, live.statusCode());
        assertEquals(JSON, live.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(live.body().startsWith("{\"status\":\"alive\",\"timestamp\":"), live.body());
    }

    @Test
    void anError_isTheOneJsonShape_evenToACallerThatAcceptsOnlyHtml() {
        api = new RunningApi(context -> reply("ok"));

        HttpResponse<String> missing = api.sendRaw(api.request("/nowhere").header("Accept", "text/html").GET().build());

        assertEquals(404, missing.statusCode());
        assertEquals(JSON, missing.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"success\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint\"}}",
                missing.body());
    }

    @Test
    void anEmoji_isWrittenAsItsUtf8Bytes_notAsEscapedSurrogates() throws Exception {
        api = new RunningApi(context -> reply(EMOJI));

        HttpResponse<String> answer = api.sendRaw(api.request("/api/v1/enhanced-handle-message")
                .header("Authorization", "Bearer " + RunningApi.TOKEN).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(fixture("sync-request.json"),
                        StandardCharsets.UTF_8)).build());

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(JSON, answer.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(answer.body().contains("\"" + EMOJI + "\""), answer.body());
    }

    private static AiReply reply(String text) {
        return new AiReply(text, "greeting", 0.9, Map.of(), "test", Duration.ZERO, List.of());
    }
}
