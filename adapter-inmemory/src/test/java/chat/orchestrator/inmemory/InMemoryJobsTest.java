package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.JobPortContract;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.port.JobPort;
import java.time.Duration;
import java.time.Instant;

class InMemoryJobsTest extends JobPortContract {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));

    @Override
    protected JobPort freshJobs() {
        return new InMemoryJobs(clock);
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }
}
