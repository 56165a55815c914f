package chat.orchestrator.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Health and INFO figures of the Redis in use, for the admin endpoints. On a cluster, every master counts. */
public final class RedisStats {
    private static final CommandObject<String> INFO =
            new CommandObject<>(new CommandArguments(Protocol.Command.INFO), BuilderFactory.STRING);
    static final String MAXMEMORY_POLICY = "maxmemory-policy";
    private static final CommandObject<Map<String, String>> CONFIG_GET_MAXMEMORY_POLICY = new CommandObject<>(
            new CommandArguments(Protocol.Command.CONFIG).add("GET").add(MAXMEMORY_POLICY), BuilderFactory.STRING_MAP);

    private final RetryingRedis redis;

    RedisStats(RetryingRedis redis) {
        this.redis = redis;
    }

    /**
     * Connected clients, memory and keyspace hits and misses.
     *
     * @throws chat.orchestrator.core.port.StoreUnavailableException if Redis cannot be reached
     */
    public RedisStatistics statistics() {
        List<Map<String, String>> masters = redis.call("reading Redis INFO", RedisStats::infoOfEveryMaster);
        long clients = 0;
        long memory = 0;
        long hits = 0;
        long misses = 0;
        for (Map<String, String> info : masters) {
            clients += number(info, "connected_clients");
            memory += number(info, "used_memory");
            hits += number(info, "keyspace_hits");
            misses += number(info, "keyspace_misses");
        }
        String memoryHuman = masters.size() == 1 && masters.getFirst().containsKey("used_memory_human")
                ? masters.getFirst().get("used_memory_human") : bytesToHuman(memory);
        return new RedisStatistics(clients, memoryHuman, hits, misses);
    }

    /**
     * The {@code maxmemory-policy} of the masters (their distinct values, comma-separated, should a cluster's
     * differ), or empty when it cannot be read: managed Redis often disables or renames CONFIG.
     *
     * @throws chat.orchestrator.core.port.StoreUnavailableException if Redis cannot be reached
     */
    public Optional<String> maxmemoryPolicy() {
        try {
            Set<String> policies = redis.call("reading Redis's maxmemory-policy", RedisStats::policyOfEveryMaster);
            return policies.isEmpty() ? Optional.empty() : Optional.of(String.join(",", policies));
        } catch (JedisDataException refused) {
            // ERR unknown command, NOPERM...: an answer from Redis, not a failure to reach it.
            return Optional.empty();
        }
    }

    private static Set<String> policyOfEveryMaster(UnifiedJedis client) {
        List<Map<String, String>> replies = new ArrayList<>();
        if (client instanceof RedisClusterClient cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection connection = pool.getResource()) {
                    if ("master".equals(parse(connection.executeCommand(INFO)).get("role"))) {
                        replies.add(connection.executeCommand(CONFIG_GET_MAXMEMORY_POLICY));
                    }
                }
            }
        } else {
            replies.add(client.executeCommand(CONFIG_GET_MAXMEMORY_POLICY));
        }
        Set<String> policies = new TreeSet<>();
        for (Map<String, String> reply : replies) {
            String policy = reply.get(MAXMEMORY_POLICY);
            if (policy == null) {
                // A master that would not say: one unknown makes the whole answer unknown.
                return Set.of();
            }
            policies.add(policy);
        }
        return policies;
    }

    /** True if every node answers PING now; never throws and never waits for retries: it is a health probe. */
    public boolean ping() {
        try {
            UnifiedJedis client = redis.client();
            if (client instanceof RedisClusterClient cluster) {
                for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                    try (Connection connection = pool.getResource()) {
                        if (!connection.ping()) {
                            return false;
                        }
                    }
                }
                return !cluster.getClusterNodes().isEmpty();
            }
            return "PONG".equalsIgnoreCase(client.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<Map<String, String>> infoOfEveryMaster(UnifiedJedis client) {
        List<Map<String, String>> masters = new ArrayList<>();
        if (client instanceof RedisClusterClient cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection connection = pool.getResource()) {
                    Map<String, String> info = parse(connection.executeCommand(INFO));
                    if ("master".equals(info.get("role"))) {
                        masters.add(info);
                    }
                }
            }
        } else {
            masters.add(parse(client.info()));
        }
        return masters;
    }

    static Map<String, String> parse(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static long number(Map<String, String> info, String field) {
        String value = info.get(field);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /** The format of Redis's own {@code used_memory_human}, for a sum over several masters. */
    static String bytesToHuman(long bytes) {
        String[] units = {"K", "M", "G", "T", "P"};
        if (bytes < 1024) {
            return bytes + "B";
        }
        double value = bytes;
        for (String unit : units) {
            value /= 1024;
            if (value < 1024) {
                return String.format(Locale.ROOT, "%.2f%s", value, unit);
            }
        }
        return bytes + "B";
    }
}
