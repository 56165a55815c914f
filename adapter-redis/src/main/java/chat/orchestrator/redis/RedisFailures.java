package chat.orchestrator.redis;

import java.util.Locale;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Tells a Redis that cannot be reached (retry, then report unavailable) from a Redis that answered (final). */
final class RedisFailures {
    /** Errors a healthy server gives while it restarts or fails over; the same command works moments later. */
    private static final String[] TRANSIENT_SERVER_STATES = {"LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN",
            "READONLY"};

    private RedisFailures() {
    }

    /** Worth retrying: the command may not have reached Redis, or Redis could not serve it yet. */
    static boolean isConnectionFailure(Throwable failure) {
        return failure instanceof JedisConnectionException
                || failure instanceof JedisClusterOperationException
                || failure instanceof JedisDataException data && isTransientServerState(data);
    }

    /** Reported as {@code StoreUnavailableException}: connection failures, and a pool with no free connection. */
    static boolean isUnavailable(Throwable failure) {
        return isConnectionFailure(failure)
                || failure instanceof JedisException && failure.getCause() instanceof java.util.NoSuchElementException;
    }

    private static boolean isTransientServerState(JedisDataException failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().toUpperCase(Locale.ROOT);
        for (String state : TRANSIENT_SERVER_STATES) {
            if (message.startsWith(state)) {
                return true;
            }
        }
        return false;
    }
}
