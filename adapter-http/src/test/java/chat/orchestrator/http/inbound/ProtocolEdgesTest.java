package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.inmemory.RuleBasedResponder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edges of the protocol one at a time: connection closing, HTTP/1.0, 405, Helidon's own errors, log lines. */
class ProtocolEdgesTest {
    private static final int QUIET_MS = 10_000;
    private static RunningApi api;

    @BeforeAll
    static void start() {
        api = new RunningApi(new RuleBasedResponder(), false, 64 * 1024, Duration.ofMillis(500));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aRequestSayingConnectionClose_isAnswered_andTheServerClosesTheConnection() {
        RawHttp.Exchange exchange = exchange("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertEquals(200, exchange.first().status());
        assertTrue(exchange.closedByServer(), "Helidon 4.5.0 left it open until the client gave up (helidon#12324)");
    }

    @Test
    void aRequestInTheUnreadBodyOfA404_isNeverRun() {
        RawHttp.Exchange exchange = exchange(RawHttp.post("/nope", "application/json", null, FramingCases.SMUGGLED,
                "Connection: close"));

        assertEquals(1, exchange.responses().size(), exchange.toString());
        assertEquals(404, exchange.first().status());
        assertTrue(api.nothingStored());
    }

    @Test
    void aWrongMethodOnAKnownPath_is405_withTheMethodsItAllows() {
        RawHttp.Response onHealth = exchange("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .first();
        RawHttp.Response onCleanup = exchange(RawHttp.get("/api/v1/admin/system/cleanup", null, "Connection: close")).first();

        assertEquals(405, onHealth.status());
        assertEquals("GET", onHealth.headers().get("allow"));
        assertEquals("method_not_allowed", onHealth.errorCode());
        assertEquals("POST", onCleanup.headers().get("allow"));
    }

    @Test
    void http10_asNginxSendsItByDefault_isAnsweredWithALength_andClosed() {
        RawHttp.Exchange exchange = exchange("GET /health HTTP/1.0\r\nHost: backend\r\nConnection: close\r\n\r\n");

        RawHttp.Response health = exchange.first();
        assertEquals(200, health.status());
        assertEquals("healthy", health.json().get("status").asText());
        assertTrue(health.headers().containsKey("content-length"), health.headers().toString());
        assertFalse(health.headers().containsKey("transfer-encoding"), health.headers().toString());
        assertTrue(exchange.closedByServer());
    }

    @Test
    void http10AfterHttp11OnOneConnection_isA505InTheJsonShape() {
        RawHttp.Exchange exchange = exchange("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /health/live HTTP/1.0\r\nHost: x\r\n\r\n");

        assertEquals(200, exchange.responses().get(0).status());
        assertEquals(505, exchange.responses().get(1).status());
        assertEquals("http_version_not_supported", exchange.responses().get(1).errorCode());
    }

    @Test
    void helidonsOwnRefusals_haveTheJsonErrorShape() {
        RawHttp.Response tooLong = exchange("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").first();
        RawHttp.Response noHost = exchange("GET /health HTTP/1.1\r\n\r\n").first();

        assertEquals(414, tooLong.status());
        assertEquals("uri_too_long", tooLong.errorCode());
        assertEquals(400, noHost.status());
        assertEquals("bad_request", noHost.errorCode());
    }

    @Test
    void aBodyThatNeverFinishes_isCutOffAtTheReadDeadline() {
        RawHttp.Exchange exchange = exchange("POST " + FramingCases.SYNC + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + RunningApi.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");

        assertTrue(exchange.responses().isEmpty(), exchange.toString());
        assertTrue(exchange.closedByServer(), "held open past the client's patience (" + QUIET_MS + " ms)");
        assertEquals(200, exchange("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").first().status());
    }

    @Test
    void aMalformedChunk_isA400_andNoLogLineQuotesTheClientsBytes() {
        String marker = "FORGED-" + System.nanoTime();
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            RawHttp.Response response = exchange(FramingCases.chunkedRaw(FramingCases.SYNC, RunningApi.TOKEN,
                    marker + "\r\n{}\r\n0\r\n\r\n")).first();

            assertEquals(400, response.status());
            assertEquals("unreadable_body", response.errorCode());
        } finally {
            root.removeHandler(capture);
        }
        records.forEach(record -> {
            String text = String.valueOf(record.getMessage()) + " " + record.getThrown();
            assertFalse(text.contains(marker), "a log line quotes the client's bytes: " + text);
        });
    }

    @Test
    void theStatusHandler_showsAdaptersOnlyToTheAdmin() {
        RawHttp.Response anonymous = exchange(RawHttp.get("/api/v1/status/handler", null, "Connection: close")).first();
        RawHttp.Response withMessageToken = exchange(RawHttp.get("/api/v1/status/handler", RunningApi.TOKEN,
                "Connection: close")).first();
        RawHttp.Response admin = exchange(RawHttp.get("/api/v1/status/handler", RunningApi.ADMIN_TOKEN,
                "Connection: close")).first();

        assertFalse(anonymous.json().has("adapters"), anonymous.body());
        assertFalse(withMessageToken.json().has("adapters"), withMessageToken.body());
        assertEquals("test AI", admin.json().get("adapters").get("ai").asText());
    }

    private static RawHttp.Exchange exchange(String request) {
        return RawHttp.exchange(api.server.port(), request, QUIET_MS);
    }
}
