package com.example.chatbot;

import chat.orchestrator.core.contract.JobPortContract;
import chat.orchestrator.core.contract.TestClock;
import chat.orchestrator.core.port.JobPort;
import java.time.Duration;
import java.time.Instant;

/** The port's contract suite, from the core's test-jar, run against the adapter of your own. */
class MapJobsContractTest extends JobPortContract {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));

    @Override
    protected JobPort freshJobs() {
        return new MapJobs(clock);
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }
}
