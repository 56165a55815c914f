package chat.orchestrator.app.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.embedded.core.ExecutableProvider;

/**
 * Redis as Sentinel runs it, from the redis-server binary the embedded-redis jar ships: a master, a replica
 * ({@code --replicaof}) and three sentinels ({@code redis-server sentinel.conf --sentinel}, quorum 2, the master judged
 * down after one second), each a process of ours on a free port, with its log and files in the suite's directory.
 */
final class SentinelProcesses implements AutoCloseable {
    static final String MASTER_NAME = "orchestrator";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final String binary;
    private final int masterPort;
    private final int replicaPort;
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Process master;

    private SentinelProcesses(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.binary = ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
        this.masterPort = freePort();
        this.replicaPort = freePort();
    }

    /** Starts all five and waits until the replica is in sync and every sentinel knows it and the other two. */
    static SentinelProcesses start(Path directory) throws IOException {
        SentinelProcesses group = new SentinelProcesses(directory);
        try {
            group.master = group.launch("master", group.masterPort);
            group.launch("replica", group.replicaPort, "--replicaof", "127.0.0.1", Integer.toString(group.masterPort));
            for (int i = 0; i < 3; i++) {
                int port = freePort();
                group.sentinelPorts.add(port);
                group.launchSentinel(port);
            }
            group.awaitFormed();
            return group;
        } catch (IOException | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** The variables an instance needs to find the master through the sentinels. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_SENTINEL_NODES", sentinelPorts.stream().map(port -> "127.0.0.1:" + port)
                .collect(Collectors.joining(",")));
        env.put("REDIS_SENTINEL_MASTER", MASTER_NAME);
        return env;
    }

    /**
     * SIGKILLs the master while its replica is behind, and answers the master's replication offset just before.
     * {@code CLIENT KILL TYPE replica} cuts the replication link, a wrong {@code masterauth} keeps the replica from
     * coming back, and the master is killed once it has taken a write since the cut. That write, and any after it,
     * exist nowhere else: the replica promoted next lacks them, as a replica does that was a moment behind when its
     * master died.
     */
    long killMasterWithTheReplicaBehind() {
        try (Jedis replica = new Jedis("127.0.0.1", replicaPort)) {
            replica.configSet("masterauth", "not-the-masters-password");
        }
        try (Jedis node = new Jedis("127.0.0.1", masterPort)) {
            node.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
            long cut = replicationOffset(node);
            long[] offset = {cut};
            await("the master takes a write while its replica is cut off").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5)).until(() -> (offset[0] = replicationOffset(node)) > cut);
            master.destroyForcibly();
            return offset[0];
        }
    }

    /** Waits until every sentinel names the replica as the master and the replica says it is one. */
    void awaitReplicaPromoted(Duration timeout) {
        await("the sentinels promote the replica on port " + replicaPort).atMost(timeout)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> sentinelPorts.stream().allMatch(port -> masterPortSeenBy(port) == replicaPort)
                        && "master".equals(info(replicaPort, "replication").get("role")));
    }

    /** The replication offset at which the replica became master: anything the old one had past it is lost. */
    long promotedAtOffset() {
        return Long.parseLong(info(replicaPort, "replication").get("second_repl_offset")) - 1;
    }

    private void awaitFormed() {
        await("the replica syncs and the sentinels on " + sentinelPorts + " find it and each other")
                .atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> "up".equals(info(replicaPort, "replication").get("master_link_status"))
                        && sentinelPorts.stream().allMatch(this::seesTheWholeGroup));
    }

    private boolean seesTheWholeGroup(int sentinelPort) {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            Map<String, String> watched = sentinel.sentinelMaster(MASTER_NAME);
            return "1".equals(watched.get("num-slaves")) && "2".equals(watched.get("num-other-sentinels"));
        }
    }

    private Process launch(String name, int port, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString()));
        command.addAll(List.of(more));
        return start(name + "-" + port, command, port);
    }

    private void launchSentinel(int port) throws IOException {
        // A sentinel rewrites its configuration file as it learns the group, so each has its own.
        Path config = directory.resolve("sentinel-" + port + ".conf");
        Files.writeString(config, String.join(System.lineSeparator(),
                "port " + port,
                "bind 127.0.0.1",
                "dir " + directory,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
        start("sentinel-" + port, List.of(binary, config.toString(), "--sentinel"), port);
    }

    private Process start(String name, List<String> command, int port) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve(name + ".log").toFile()).start();
        processes.add(process);
        await(name + " listens on " + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    try (Jedis node = new Jedis("127.0.0.1", port)) {
                        return "PONG".equals(node.ping());
                    }
                });
        return process;
    }

    private static long replicationOffset(Jedis node) {
        return Long.parseLong(parse(node.info("replication")).get("master_repl_offset"));
    }

    private static int masterPortSeenBy(int sentinelPort) {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            return Integer.parseInt(sentinel.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    private static Map<String, String> info(int port, String section) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return parse(node.info(section));
        }
    }

    private static Map<String, String> parse(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
