package com.example.chatbot;

import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.postgres.PostgresStorage;
import chat.orchestrator.redis.RedisSettings;
import chat.orchestrator.redis.RedisStore;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * The same program on Redis (locks, pending messages, conversation state: shared by every instance) and PostgreSQL
 * (history, deduplication and the outbox of answers: durable). Only how the stores are opened and closed changes.
 */
public final class DurableChatBot {

    public static void main(String[] args) {
        // Your application's own configuration; here the environment, with local defaults.
        RedisSettings redis = RedisSettings.singleNode(setting("CHATBOT_REDIS_HOST", "localhost"), 6379);
        PostgresSettings postgres = PostgresSettings.of(setting("CHATBOT_DB_HOST", "localhost"), 5432, "chatbot",
                "chatbot", setting("CHATBOT_DB_PASSWORD", ""));
        run(redis, postgres, System.out);
    }

    static MessageOutcome run(RedisSettings redisSettings, PostgresSettings postgresSettings, PrintStream out) {
        // Closed in reverse order: the orchestrator's workers finish before the pools they use close.
        try (RedisStore redis = RedisStore.open(redisSettings);
             PostgresStorage postgres = PostgresStorage.start(postgresSettings); // migrates the schema
             Orchestrator orchestrator = Orchestrator.builder()
                     .locks(redis.locks())
                     .state(redis.state())
                     .history(postgres.history())
                     .outbox(postgres.outbox())
                     .ai(new FixedAnswer())
                     .pancake(new PrintingPancake(out))
                     .build()) {
            MessageOutcome outcome = orchestrator.handle(new InboundMessage(MessageId.of("msg_1"),
                    ConversationId.of("conv_1"), "When do you open?", "customer_42", SenderType.USER, Instant.now(),
                    Map.of()));
            out.println("outcome: " + outcome.getClass().getSimpleName());
            return outcome;
        }
    }

    private static String setting(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }
}
