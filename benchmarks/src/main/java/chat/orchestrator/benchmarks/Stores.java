package chat.orchestrator.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * The Redis and PostgreSQL every part of the comparison runs on, started here from the jars the tests use (the
 * redis-server 6.2 of embedded-redis, zonky's PostgreSQL 15 with fsync off as in the tests). One of each, shared,
 * so every figure of a run comes from the same servers.
 */
final class Stores implements AutoCloseable {
    final int redisPort;
    private final RedisServer redis;
    private final EmbeddedPostgres postgres;

    Stores() throws IOException {
        this(false);
    }

    /** {@code statementStatistics}: with pg_stat_statements loaded, for {@link Costs}'s statement breakdown. */
    Stores(boolean statementStatistics) throws IOException {
        redisPort = freePort();
        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("max_connections", "300");
        if (statementStatistics) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        postgres = builder.start();
    }

    int postgresPort() {
        return postgres.getPort();
    }

    String createDatabase(String name) throws SQLException {
        execute("postgres", "CREATE DATABASE " + name);
        return name;
    }

    void execute(String database, String sql) throws SQLException {
        try (Connection connection = postgres.getDatabase("postgres", database).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** {@code used_memory} of {@code INFO memory}: what Redis holds, without allocator overhead. */
    long redisUsedMemory() {
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            for (String line : jedis.info("memory").split("\r?\n")) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(line.substring("used_memory:".length()).trim());
                }
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory line");
    }

    long redisKeys() {
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            return jedis.dbSize();
        }
    }

    void flushRedis() {
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            jedis.flushAll();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            redis.stop();
        } finally {
            postgres.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
