package chat.orchestrator.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * Real Redis servers for the tests, from the redis-server binary that embedded-redis ships in its jar: nothing has
 * to be installed or running. One single node, one three-master cluster and one {@link SentinelGroup} are started on
 * first use and shared by every test class of the JVM (starting them is the slow part); {@link #dedicatedNode()} gives
 * a test a server of its own to stop and start. Tests empty the shared servers with {@link TestRedis#flush()}.
 */
final class RedisTestServers {
    /** Short waits, so a test of an unreachable Redis takes milliseconds, not seconds. */
    static final RedisRetryPolicy FAST_RETRY = new RedisRetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100));
    private static final int CLUSTER_SLOTS = 16_384;
    private static final Duration CLUSTER_FORMATION_TIMEOUT = Duration.ofSeconds(30);

    private static TestRedis singleNode;
    private static TestRedis cluster;
    private static SentinelGroup sentinelGroup;

    private RedisTestServers() {
    }

    /** The JVM's shared single node. */
    static synchronized TestRedis singleNode() {
        if (singleNode == null) {
            singleNode = startSingleNode();
        }
        return singleNode;
    }

    /** The JVM's shared three-master cluster, every slot assigned and {@code cluster_state:ok} on each node. */
    static synchronized TestRedis cluster() {
        if (cluster == null) {
            cluster = startCluster();
        }
        return cluster;
    }

    /** The JVM's shared master, replica and three sentinels; nothing may kill its master. */
    static synchronized SentinelGroup sentinelGroup() {
        if (sentinelGroup == null) {
            sentinelGroup = SentinelGroup.start();
        }
        return sentinelGroup;
    }

    /** A single node for this test alone; the caller stops it. */
    static TestRedis dedicatedNode() {
        return startSingleNode();
    }

    /** A running test Redis: its servers (one, or the cluster's masters) and settings to reach it. */
    record TestRedis(List<RedisServer> servers, List<Integer> ports, RedisSettings settings) {

        /** FLUSHALL on every master: a fresh, empty store for the next test. */
        void flush() {
            for (int port : ports) {
                try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                    jedis.flushAll();
                }
            }
        }

        RedisStore openStore() {
            return RedisStore.open(settings);
        }

        void stop() {
            servers.forEach(server -> {
                try {
                    server.stop();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /** Starts the stopped servers again on their ports. */
        void start() {
            servers.forEach(server -> {
                try {
                    server.start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static TestRedis startSingleNode() {
        int port = freePort();
        RedisServer server = start(port, List.of());
        return new TestRedis(List.of(server), List.of(port),
                RedisSettings.singleNode("127.0.0.1", port).withRetry(FAST_RETRY));
    }

    private static TestRedis startCluster() {
        Path configDirectory = temporaryDirectory();
        List<RedisServer> servers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = freeClusterPort(ports);
            ports.add(port);
            Path nodesFile = configDirectory.resolve("nodes-" + port + ".conf");
            nodesFile.toFile().deleteOnExit();
            servers.add(start(port, List.of(
                    "cluster-enabled yes",
                    "cluster-config-file " + nodesFile,
                    "cluster-node-timeout 5000")));
        }
        formCluster(ports);
        List<RedisNode> seeds = ports.stream().map(port -> new RedisNode("127.0.0.1", port)).toList();
        return new TestRedis(List.copyOf(servers), List.copyOf(ports),
                RedisSettings.cluster(seeds).withRetry(FAST_RETRY));
    }

    /**
     * What redis-cli --cluster create would do, through Jedis: introduce the nodes, give each a third of the
     * slots, and wait until every node sees every slot covered.
     */
    private static void formCluster(List<Integer> ports) {
        try (Jedis first = new Jedis("127.0.0.1", ports.getFirst())) {
            for (int port : ports.subList(1, ports.size())) {
                first.clusterMeet("127.0.0.1", port);
            }
        }
        int share = CLUSTER_SLOTS / ports.size();
        for (int i = 0; i < ports.size(); i++) {
            int from = i * share;
            int to = i == ports.size() - 1 ? CLUSTER_SLOTS : from + share;
            int[] slots = new int[to - from];
            for (int slot = from; slot < to; slot++) {
                slots[slot - from] = slot;
            }
            try (Jedis node = new Jedis("127.0.0.1", ports.get(i))) {
                node.clusterAddSlots(slots);
            }
        }
        long deadline = System.nanoTime() + CLUSTER_FORMATION_TIMEOUT.toNanos();
        while (!clusterReady(ports)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the test cluster on ports " + ports + " did not reach "
                        + "cluster_state:ok within " + CLUSTER_FORMATION_TIMEOUT);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private static boolean clusterReady(List<Integer> ports) {
        for (int port : ports) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                String info = node.clusterInfo();
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + ports.size())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static RedisServer start(int port, List<String> settings) {
        try {
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    // No snapshot on shutdown: a restarted test server comes back empty, like a lost Redis.
                    .setting("save \"\"")
                    .setting("appendonly no");
            settings.forEach(builder::setting);
            RedisServer server = builder.build();
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded redis-server on port " + port, e);
        }
    }

    /** A port whose cluster bus port (port + 10000) is free as well. */
    private static int freeClusterPort(List<Integer> taken) {
        for (int tries = 0; tries < 100; tries++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (!taken.contains(port) && isFree(port) && isFree(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free pair of ports for a cluster node");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("redis-cluster-");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
