package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BodyDeadlineTest {

    @Test
    void aReadThatFinishesInTimeLeavesNoAlarmQueued() {
        BodyDeadline deadline = new BodyDeadline(Duration.ofSeconds(20));
        int before = BodyDeadline.queuedAlarms();
        for (int i = 0; i < 1_000; i++) {
            int value = i;
            assertEquals(value, deadline.read(() -> value));
        }
        // Each cancelled alarm used to stay queued for the whole timeout: a thousand requests, a thousand entries.
        int grown = BodyDeadline.queuedAlarms() - before;
        assertTrue(grown <= 0, "alarms left queued after 1,000 finished reads: " + grown);
    }
}
