package chat.orchestrator.core.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.DeliverySettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class DeliveryBackoffTest {
    private final DeliveryBackoff backoff = new DeliveryBackoff(
            DeliverySettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
            java.util.concurrent.ThreadLocalRandom::current);

    @RepeatedTest(20)
    void theWaitDoublesPerAttempt_withHalfOfItRandom() {
        for (int attempts = 1; attempts <= 5; attempts++) {
            long full = 1_000L << (attempts - 1);
            long wait = backoff.after(attempts, Optional.empty()).toMillis();
            assertTrue(wait >= full / 2 && wait <= full, "attempt " + attempts + " waited " + wait + " ms");
        }
    }

    @RepeatedTest(20)
    void theWaitIsCapped_soAnswersFlowSoonAfterPancakeIsBack() {
        long wait = backoff.after(1_000, Optional.empty()).toMillis();
        assertTrue(wait >= 15_000 && wait <= 30_000, "waited " + wait + " ms");
    }

    @Test
    void retryAfterIsHonoured_whenItIsLongerThanTheBackoff() {
        assertEquals(Duration.ofSeconds(120), backoff.after(1, Optional.of(Duration.ofSeconds(120))));
        assertTrue(backoff.after(1, Optional.of(Duration.ZERO)).toMillis() >= 500, "a zero Retry-After is no reason to hurry");
    }

    @Test
    void anAbsurdRetryAfterIsCutToTenMinutes() {
        assertEquals(DeliveryBackoff.LONGEST_RETRY_AFTER, backoff.after(1, Optional.of(Duration.ofDays(3))));
    }
}
