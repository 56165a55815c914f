package chat.orchestrator.http.inbound;

/** What the responses say about the state store really in use: {@code Redis} or {@code Memory}. */
public record StorageDescription(String backendName, boolean distributedLock) {
    public static final StorageDescription MEMORY = new StorageDescription("Memory", false);
    public static final StorageDescription REDIS = new StorageDescription("Redis", true);
}
