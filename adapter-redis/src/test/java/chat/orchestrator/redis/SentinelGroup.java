package chat.orchestrator.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.embedded.Redis;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * A master, one replica and three sentinels watching them (quorum 2), every one a real redis-server from the
 * embedded-redis jar on a free port, working in a temporary directory. The sentinels judge the master down after one
 * second, so {@link #killMaster()} is followed by the replica's promotion within a few seconds.
 */
final class SentinelGroup implements AutoCloseable {
    static final String MASTER_NAME = "orchestrator";
    private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

    private final int masterPort;
    private final int replicaPort;
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Redis> processes = new ArrayList<>();

    private SentinelGroup() throws IOException {
        Path directory = Files.createTempDirectory("redis-sentinel-");
        directory.toFile().deleteOnExit();
        masterPort = freePort();
        replicaPort = freePort();
        processes.add(server(masterPort, directory).build());
        processes.add(server(replicaPort, directory).slaveOf("127.0.0.1", masterPort).build());
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            sentinelPorts.add(port);
            processes.add(RedisSentinel.newRedisSentinel().bind("127.0.0.1").port(port).masterName(MASTER_NAME)
                    .masterPort(masterPort).quorumSize(2).downAfterMilliseconds(1_000).failOverTimeout(5_000)
                    .parallelSyncs(1).build());
        }
    }

    /** Starts the five servers and waits until the sentinels know the replica and each other. */
    static SentinelGroup start() {
        try {
            SentinelGroup group = new SentinelGroup();
            for (Redis process : group.processes) {
                process.start();
            }
            group.awaitFormed();
            return group;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Redis Sentinel test group", e);
        }
    }

    /** Settings reaching the master through the three sentinels, with short retries. */
    RedisSettings settings() {
        return RedisSettings.sentinel(sentinelPorts.stream().map(port -> new RedisNode("127.0.0.1", port)).toList(),
                MASTER_NAME).withRetry(RedisTestServers.FAST_RETRY);
    }

    int masterPort() {
        return masterPort;
    }

    int replicaPort() {
        return replicaPort;
    }

    /** The port the sentinels name as the master now. */
    int currentMasterPort() {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPorts.getFirst())) {
            return Integer.parseInt(sentinel.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    /** FLUSHALL on the current master (the replica follows). */
    void flush() {
        try (Jedis master = new Jedis("127.0.0.1", currentMasterPort())) {
            master.flushAll();
        }
    }

    /** SIGKILL to the master: no shutdown, whatever it had not yet sent to the replica is lost. */
    void killMaster() {
        long pid;
        try (Jedis master = new Jedis("127.0.0.1", masterPort)) {
            pid = Long.parseLong(RedisStats.parse(master.info("server")).get("process_id"));
        }
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
    }

    /** Waits until every sentinel names the replica as the master and the replica says it is one. */
    void awaitReplicaPromoted(Duration timeout) {
        await("the sentinels promote the replica on port " + replicaPort).atMost(timeout)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> sentinelPorts.stream().allMatch(port -> masterPortSeenBy(port) == replicaPort)
                        && "master".equals(info(replicaPort, "replication").get("role")));
    }

    private void awaitFormed() {
        await("the sentinels on " + sentinelPorts + " know the replica and each other").atMost(FORMATION_TIMEOUT)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> "up".equals(info(replicaPort, "replication").get("master_link_status"))
                        && sentinelPorts.stream().allMatch(this::seesTheWholeGroup));
    }

    private boolean seesTheWholeGroup(int sentinelPort) {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            Map<String, String> master = sentinel.sentinelMaster(MASTER_NAME);
            return "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
        }
    }

    private static int masterPortSeenBy(int sentinelPort) {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            return Integer.parseInt(sentinel.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    private static Map<String, String> info(int port, String section) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return RedisStats.parse(node.info(section));
        }
    }

    private static redis.embedded.core.RedisServerBuilder server(int port, Path directory) {
        return RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                // The replication snapshot is written here, not into the module's directory.
                .setting("dir " + directory);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Redis process : processes) {
            try {
                process.stop();
            } catch (IOException | RuntimeException alreadyGone) {
                // The killed master, for one.
            }
        }
    }
}
