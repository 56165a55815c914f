package com.example.chatbot;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The orchestrator's own platform threads: once it is closed, none may be left running in the embedding JVM. */
final class OrchestratorThreads {
    private static final Set<String> NAMES = Set.of("sweeper", "outbox-dispatcher");

    private OrchestratorThreads() {
    }

    static void awaitNoneLeft() {
        await("the orchestrator's threads to end after close").atMost(Duration.ofSeconds(10))
                .until(() -> running().isEmpty());
    }

    private static List<String> running() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(NAMES::contains).toList();
    }
}
