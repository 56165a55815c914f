package chat.orchestrator.core.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AiRefusalsTest {
    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    private final TestClock clock = new TestClock(START);
    private final AiRefusals refusals = new AiRefusals(clock);

    @Test
    void refusalsInARow_keepWhenTheyBegan_theLatestReason_andHowMany() {
        refusals.rejected("HTTP 401: invalid api key");
        clock.set(START.plus(Duration.ofMinutes(3)));
        refusals.rejected("HTTP 404: unknown model");

        AiRefusals.Refusal refusal = refusals.current().orElseThrow();
        assertEquals(new AiRefusals.Refusal("HTTP 404: unknown model", START, START.plus(Duration.ofMinutes(3)), 2),
                refusal);
        assertTrue(refusals.refusing());
    }

    @Test
    void anAnswerEndsTheRefusal_andTheNextOneCountsFromOneAgain() {
        refusals.rejected("HTTP 401: invalid api key");
        refusals.answered();

        assertEquals(Optional.empty(), refusals.current());
        assertFalse(refusals.refusing());

        clock.set(START.plusSeconds(60));
        refusals.rejected("HTTP 401: invalid api key");
        assertEquals(1, refusals.current().orElseThrow().count());
        assertEquals(START.plusSeconds(60), refusals.current().orElseThrow().since());
    }
}
