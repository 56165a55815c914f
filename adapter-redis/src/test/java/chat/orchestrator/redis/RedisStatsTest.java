package chat.orchestrator.redis;

import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RedisStatsTest {

    @Test
    void aSingleNodeReportsItsClientsMemoryAndKeyspaceFigures() {
        assertFiguresFollowTraffic(RedisTestServers.singleNode());
    }

    @Test
    void aClusterReportsFiguresSummedOverItsMasters() {
        assertFiguresFollowTraffic(RedisTestServers.cluster());
    }

    @Test
    void memoryIsFormattedAsRedisFormatsIt() {
        assertEquals("512B", RedisStats.bytesToHuman(512));
        assertEquals("1.00K", RedisStats.bytesToHuman(1024));
        assertEquals("1.50M", RedisStats.bytesToHuman(1024 * 1024 * 3 / 2));
        assertEquals("2.00G", RedisStats.bytesToHuman(2L * 1024 * 1024 * 1024));
    }

    private static void assertFiguresFollowTraffic(RedisTestServers.TestRedis server) {
        try (RedisStore store = server.openStore()) {
            assertTrue(store.stats().ping());
            RedisStatistics before = store.stats().statistics();
            JobPort jobs = store.jobs();
            Job job = Job.queued(newConversation(), java.util.List.of(), Instant.now());
            jobs.create(job, Duration.ofMinutes(1));
            for (int i = 0; i < 5; i++) {
                jobs.find(UUID.randomUUID());
                jobs.find(job.id());
            }

            RedisStatistics after = store.stats().statistics();

            assertTrue(after.connectedClients() >= 1, after.toString());
            assertTrue(after.usedMemoryHuman().matches("\\d+(\\.\\d\\d[KMGTP])?B?"), after.usedMemoryHuman());
            assertTrue(after.keyspaceMisses() >= before.keyspaceMisses() + 5, before + " then " + after);
            assertTrue(after.keyspaceHits() >= before.keyspaceHits() + 5, before + " then " + after);
        }
    }
}
