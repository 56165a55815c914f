package chat.orchestrator.benchmarks;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import chat.orchestrator.inmemory.LoggingPancake;
import chat.orchestrator.inmemory.RuleBasedResponder;
import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.postgres.PostgresSslMode;
import chat.orchestrator.postgres.PostgresStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Our durable writes per answered message: the core answering messages with the built-in responder and the logging
 * Pancake over in-memory locks and state, so that the only store in the way is the PostgreSQL adapter (record,
 * fence, context, answer with its outbox row, delivery). A pool of one connection per thread, as pgbench has one per
 * client.
 */
final class DurableWrites {
    private DurableWrites() {
    }

    static Load.Result run(Stores stores, String database, int threads, Duration warmUp, Duration measured,
                           int conversations) throws Exception {
        PostgresSettings settings = PostgresSettings.of("127.0.0.1", stores.postgresPort(), database, "postgres", "")
                .withPoolSize(Math.max(2, threads)).withSslMode(PostgresSslMode.DISABLE);
        InMemoryStore memory = new InMemoryStore(Clock.systemUTC());
        OrchestratorSettings core = OrchestratorSettings.defaults().withConsolidation(Duration.ZERO, Duration.ZERO);
        String run = "dw" + threads + "-";
        try (PostgresStorage storage = PostgresStorage.start(settings);
             Orchestrator orchestrator = Orchestrator.builder().locks(new InMemoryLocks(memory))
                     .state(new InMemoryState(memory)).history(storage.history()).outbox(storage.outbox())
                     .ai(new RuleBasedResponder()).pancake(new LoggingPancake()).settings(core).build()) {
            return Load.run(threads, warmUp, measured, sequence -> {
                String conversation = run + ThreadLocalRandom.current().nextInt(conversations);
                MessageOutcome outcome = orchestrator.handle(new InboundMessage(MessageId.of("m" + sequence),
                        ConversationId.of(conversation), "Xin chào, tôi muốn đặt lịch", "u-" + conversation,
                        SenderType.USER, Instant.now(), Map.of()));
                return outcome instanceof MessageOutcome.Completed;
            });
        }
    }
}
