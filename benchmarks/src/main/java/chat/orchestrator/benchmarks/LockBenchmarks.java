package chat.orchestrator.benchmarks;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.redis.RedisSettings;
import chat.orchestrator.redis.RedisStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * One lock acquire plus release, three ways, on the Redis whose port {@code bench.redis.port} names: our
 * {@link LockPort} ({@code RedisLocks} through its retrying client), the same two Lua scripts called by a bare Jedis
 * pool (the floor for two round trips), and Redisson's {@link RLock} ({@code tryLock} with a lease, {@code unlock}).
 * Each thread cycles through 1,000 lock names of its own, so locks do not collide, as with many conversations.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LockBenchmarks {
    static final String PORT_PROPERTY = "bench.redis.port";
    private static final int NAMES_PER_THREAD = 1_000;
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final int POOL = 16;

    /** The three clients, opened once per trial; each benchmark uses its own. */
    @State(Scope.Benchmark)
    public static class Clients {
        RedisStore ours;
        RedisClient jedis;
        RedissonClient redisson;
        String acquire;
        String release;

        @Setup(Level.Trial)
        public void open() {
            int port = Integer.getInteger(PORT_PROPERTY);
            ours = RedisStore.open(RedisSettings.singleNode("127.0.0.1", port).withMaxConnections(POOL)
                    .withKeyPrefix("bench-ours"));
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(POOL);
            pool.setMaxIdle(POOL);
            jedis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port)).poolConfig(pool).build();
            // lock-acquire calls the function fn-acquire defines, sent with it as the adapter sends it.
            acquire = jedis.scriptLoad(script("fn-acquire") + "\n" + script("lock-acquire"));
            release = jedis.scriptLoad(script("lock-release"));
            Config config = new Config();
            config.useSingleServer().setAddress("redis://127.0.0.1:" + port)
                    .setConnectionPoolSize(POOL).setConnectionMinimumIdleSize(POOL);
            redisson = Redisson.create(config);
        }

        @TearDown(Level.Trial)
        public void close() {
            ours.close();
            jedis.close();
            redisson.shutdown();
        }

        /** The adapter's own scripts, read from its jar, so the raw loop runs whatever the adapter runs. */
        private static String script(String name) {
            try (InputStream in = RedisStore.class.getResourceAsStream(name + ".lua")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One thread's lock names and its position among them. */
    @State(Scope.Thread)
    public static class Names {
        ConversationId[] conversations;
        String[] rawLocks;
        String[] rawFences;
        String[] redissonLocks;
        int next;

        @Setup(Level.Trial)
        public void name(ThreadParams thread) {
            conversations = new ConversationId[NAMES_PER_THREAD];
            rawLocks = new String[NAMES_PER_THREAD];
            rawFences = new String[NAMES_PER_THREAD];
            redissonLocks = new String[NAMES_PER_THREAD];
            for (int i = 0; i < NAMES_PER_THREAD; i++) {
                String name = "t" + thread.getThreadIndex() + "-" + i;
                conversations[i] = ConversationId.of(name);
                rawLocks[i] = "bench-raw:{" + name + "}:lock";
                rawFences[i] = "bench-raw:{" + name + "}:fence";
                redissonLocks[i] = "bench-redisson:" + name;
            }
        }

        int advance() {
            next = (next + 1) % NAMES_PER_THREAD;
            return next;
        }
    }

    @Benchmark
    public boolean ours(Clients clients, Names names) {
        LockPort locks = clients.ours.locks();
        Lease lease = locks.tryAcquire(names.conversations[names.advance()], TTL).orElseThrow();
        return locks.release(lease);
    }

    @Benchmark
    public Object rawJedis(Clients clients, Names names) {
        int i = names.advance();
        String owner = UUID.randomUUID().toString();
        long fence = (Long) clients.jedis.evalsha(clients.acquire, List.of(names.rawLocks[i], names.rawFences[i]),
                List.of(owner, Long.toString(TTL.toMillis())));
        if (fence == 0) {
            throw new IllegalStateException("lock " + names.rawLocks[i] + " was held");
        }
        return clients.jedis.evalsha(clients.release, List.of(names.rawLocks[i]), List.of(fence + ":" + owner));
    }

    @Benchmark
    public boolean redisson(Clients clients, Names names) throws InterruptedException {
        RLock lock = clients.redisson.getLock(names.redissonLocks[names.advance()]);
        if (!lock.tryLock(0, TTL.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("lock " + lock.getName() + " was held");
        }
        lock.unlock();
        return true;
    }
}
