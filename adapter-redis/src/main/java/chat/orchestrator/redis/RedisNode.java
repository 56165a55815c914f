package chat.orchestrator.redis;

/** One Redis server address. */
public record RedisNode(String host, int port) {
    public RedisNode {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("Redis host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("Redis port must be between 1 and 65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
