package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.inmemory.RuleBasedResponder;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input suite: every case is written to a raw socket as an attacker would write it. For each, the first
 * response has the expected status and error code (or the server closes without answering, where that is the
 * defence), no second response appears that the client did not ask for (a smuggled request would produce one), the
 * server still answers, and nothing was stored. docs/security.md lists the classes of cases.
 */
class HostileInputTest {
    /** The production default, so that the pathological markup cases fit in a body. */
    private static final long MAX_BODY = 64 * 1024;
    /** Short, so that the cases of a body that never finishes end quickly. */
    private static final Duration BODY_READ_TIMEOUT = Duration.ofMillis(800);
    private static final int QUIET_MS = 5_000;

    private static RunningApi plain;
    private static RunningApi signed;

    @BeforeAll
    static void start() {
        plain = new RunningApi(new RuleBasedResponder(), false, MAX_BODY, BODY_READ_TIMEOUT);
        signed = new RunningApi(new RuleBasedResponder(), true, MAX_BODY, BODY_READ_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        plain.close();
        signed.close();
    }

    static Stream<HostileCase> cases() {
        return Stream.of(FramingCases.all(), BodyCases.all(), MarkupAndAuthCases.all()).flatMap(List::stream);
    }

    @Test
    void theSuiteHasAtLeastEightyCases() {
        assertTrue(cases().count() >= 80, "cases: " + cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aHostileRequest_isRefusedAsExpected_theServerStillAnswers_andNothingIsStored(HostileCase hostile) {
        RunningApi api = hostile.target() == HostileCase.Target.SIGNED ? signed : plain;

        RawHttp.Exchange exchange = RawHttp.exchange(api.server.port(), hostile.wire(), QUIET_MS);

        if (hostile.status() == 0) {
            assertTrue(exchange.responses().isEmpty(), "expected no answer, got " + exchange.responses());
            assertTrue(exchange.closedByServer(), "the server must close a connection it gives up on");
        } else {
            RawHttp.Response first = exchange.first();
            assertEquals(hostile.status(), first.status(), first.toString());
            assertEquals(hostile.code(), first.errorCode(), first.toString());
            if (hostile.code() != null) {
                assertEquals(false, first.json().get("success").asBoolean(), first.toString());
                assertTrue(first.headers().getOrDefault("content-type", "").startsWith("application/json"), first.toString());
            }
        }
        List<RawHttp.Response> after = exchange.responses().stream().skip(1).toList();
        assertTrue(after.size() <= (hostile.probe() ? 1 : 0), "responses nobody asked for: " + after);
        if (hostile.probe()) {
            assertEquals(1, after.size(), "the request after the hostile one was not answered: " + exchange);
            assertEquals(200, after.get(0).status(), "the probe must be read as the next request: " + after);
            assertEquals("alive", after.get(0).json().get("status").asText());
        }
        assertEquals(200, RawHttp.exchange(api.server.port(), HostileCase.PROBE, QUIET_MS).first().status(),
                "the server no longer answers");
        assertTrue(api.nothingStored(), hostile.name() + " stored something");
    }
}
