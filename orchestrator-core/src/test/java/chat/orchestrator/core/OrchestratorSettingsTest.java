package chat.orchestrator.core;

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
}
