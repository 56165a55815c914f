package chat.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrchestratorSettingsTest {

    @Test
    void settingsThatCannotWorkAreRefusedAtStart() {
        OrchestratorSettings defaults = OrchestratorSettings.defaults();

        assertThrows(IllegalArgumentException.class, () -> defaults.withLockTtl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> defaults.withConsolidation(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> defaults.withConsolidation(Duration.ofSeconds(1), Duration.ofSeconds(20)),
                "waiting for quiet past half the lease would risk losing it");
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withPollInterval(Duration.ZERO));
    }

    @Test
    void aWindowLongerThanHalfTheLease_isRefusedAsSuch_evenWhenTheWaitWasCutToHalfTheLease() {
        OrchestratorSettings shortLease = OrchestratorSettings.defaults().withLockTtl(Duration.ofSeconds(4));

        assertEquals(Duration.ofSeconds(2), shortLease.withConsolidation(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .consolidationWindow(), "exactly half fits");
        assertEquals("consolidationWindow must be at most half of lockTtl", assertThrows(IllegalArgumentException.class,
                () -> shortLease.withConsolidation(Duration.ofMillis(2_001), Duration.ofSeconds(2))).getMessage());
        assertEquals("consolidationMaxWait must be at least consolidationWindow", assertThrows(
                IllegalArgumentException.class, () -> shortLease.withConsolidation(Duration.ofSeconds(2),
                        Duration.ofSeconds(1))).getMessage());
        assertEquals("consolidationMaxWait must be at most half of lockTtl", assertThrows(IllegalArgumentException.class,
                () -> shortLease.withConsolidation(Duration.ofSeconds(1), Duration.ofMillis(2_001))).getMessage());
    }

    @Test
    void aShortLockTtlShrinksTheConsolidationBoundsToFit_andChangesNothingElse() {
        OrchestratorSettings defaults = OrchestratorSettings.defaults();

        OrchestratorSettings shortLease = defaults.withLockTtl(Duration.ofSeconds(4));

        assertEquals(Duration.ofSeconds(4), shortLease.lockTtl());
        assertEquals(Duration.ofSeconds(2), shortLease.consolidationMaxWait(), "half the lease");
        assertEquals(defaults.consolidationWindow(), shortLease.consolidationWindow(), "800 ms still fits");
        assertEquals(Duration.ofMillis(400), defaults.withLockTtl(Duration.ofMillis(800)).consolidationWindow(),
                "a window longer than half the lease is cut to it");
        assertEquals(defaults.withLockTtl(defaults.lockTtl()), defaults, "a TTL the bounds already fit changes nothing");
    }

    @Test
    void eachWithChangesOnlyItsOwnSetting() {
        OrchestratorSettings defaults = OrchestratorSettings.defaults();
        DeliverySettings delivery = DeliverySettings.defaults().withMaxAge(Duration.ofHours(2));

        assertEquals(defaults, defaults.withAnswerWait(Duration.ofSeconds(7)).withAnswerWait(defaults.answerWait()));
        assertEquals(7, defaults.withMaxBatchSize(7).maxBatchSize());
        assertEquals(defaults.contextTurns(), defaults.withMaxBatchSize(7).contextTurns());
        assertEquals(3, defaults.withSweepScanLimit(3).sweepScanLimit());
        assertEquals(delivery, defaults.withDelivery(delivery).delivery());
        assertEquals(defaults.lockTtl(), defaults.withDelivery(delivery).lockTtl());
        assertThrows(IllegalArgumentException.class, () -> defaults.withConsolidation(Duration.ofSeconds(20),
                Duration.ofSeconds(20)), "each result is validated as a whole");
    }
}
