package com.example.chatbot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.redis.RedisSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/** Runs the durable program on a real Redis and PostgreSQL, started here from Maven jars, as its user's would be. */
class DurableChatBotTest {
    private static RedisServer redis;
    private static int redisPort;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startServers() throws IOException {
        redisPort = freePort();
        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopServers() throws IOException {
        if (redis != null) {
            redis.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theDurableProgramAnswersAndARestartAfterRedisLostEverythingStillKnowsTheMessageFromPostgres() {
        RedisSettings redisSettings = RedisSettings.singleNode("127.0.0.1", redisPort);
        PostgresSettings postgresSettings = PostgresSettings.of("127.0.0.1", postgres.getPort(), "postgres",
                "postgres", "");
        ByteArrayOutputStream firstPrinted = new ByteArrayOutputStream();

        MessageOutcome first = DurableChatBot.run(redisSettings, postgresSettings, printingTo(firstPrinted));

        AiReply answer = assertInstanceOf(MessageOutcome.Completed.class, first).reply();
        assertEquals("We open at 8:00 (you asked: When do you open?)", answer.text());
        assertEquals(List.of("to conv_1: We open at 8:00 (you asked: When do you open?)", "outcome: Completed"),
                firstPrinted.toString(StandardCharsets.UTF_8).lines().toList());
        OrchestratorThreads.awaitNoneLeft();

        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            jedis.flushAll();
        }
        ByteArrayOutputStream secondPrinted = new ByteArrayOutputStream();
        MessageOutcome second = DurableChatBot.run(redisSettings, postgresSettings, printingTo(secondPrinted));

        MessageOutcome.Duplicate duplicate = assertInstanceOf(MessageOutcome.Duplicate.class, second);
        assertEquals(answer.text(), duplicate.earlierAnswer().orElseThrow().text());
        assertEquals(List.of("outcome: Duplicate"), secondPrinted.toString(StandardCharsets.UTF_8).lines().toList());
        OrchestratorThreads.awaitNoneLeft();
    }

    private static PrintStream printingTo(ByteArrayOutputStream printed) {
        return new PrintStream(printed, true, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
