package chat.orchestrator.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the PostgreSQL history lives and how many connections to keep to it, validated once and holding every default.
 * Built in code ({@link #of}, then the {@code with…} methods); the server reads it from {@code DATABASE_URL} or the
 * {@code POSTGRES_*} variables (docs/postgres.md) in app-server, its composition root.
 *
 * @param connectionTimeout how long a caller waits for a pooled connection before the store counts as unavailable
 */
public record PostgresSettings(String host, int port, String database, String user, String password,
                               PostgresSslMode sslMode, int poolSize, Duration connectionTimeout) {

    public static final int DEFAULT_PORT = 5432;
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final PostgresSslMode DEFAULT_SSL_MODE = PostgresSslMode.PREFER;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    public static final int MAX_POOL_SIZE = 200;
    /** HikariCP refuses anything shorter. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    public PostgresSettings {
        requireText(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("PostgreSQL port must be between 1 and 65535, got " + port);
        }
        requireText(database, "database");
        requireText(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sslMode, "sslMode");
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new IllegalArgumentException(
                    "PostgreSQL pool size must be between 1 and " + MAX_POOL_SIZE + ", got " + poolSize);
        }
        if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
            throw new IllegalArgumentException("PostgreSQL connection timeout must be at least "
                    + MIN_CONNECTION_TIMEOUT.toMillis() + " ms, got " + connectionTimeout.toMillis() + " ms");
        }
    }

    /** Settings with the defaults for everything but the address and the credentials. */
    public static PostgresSettings of(String host, int port, String database, String user, String password) {
        return new PostgresSettings(host, port, database, user, password, DEFAULT_SSL_MODE, DEFAULT_POOL_SIZE,
                DEFAULT_CONNECTION_TIMEOUT);
    }

    /** The JDBC URL of the database, without credentials (they go to the pool separately). */
    public String jdbcUrl() {
        String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        // The driver percent-decodes the database name, so a name with '/', '?' or spaces survives the URL.
        String encodedDatabase = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return "jdbc:postgresql://" + address + ":" + port + "/" + encodedDatabase + "?sslmode=" + sslMode.wireName();
    }

    public PostgresSettings withPoolSize(int size) {
        return new PostgresSettings(host, port, database, user, password, sslMode, size, connectionTimeout);
    }

    public PostgresSettings withSslMode(PostgresSslMode mode) {
        return new PostgresSettings(host, port, database, user, password, mode, poolSize, connectionTimeout);
    }

    public PostgresSettings withConnectionTimeout(Duration timeout) {
        return new PostgresSettings(host, port, database, user, password, sslMode, poolSize, timeout);
    }

    /** Never prints the password: settings end up in start-up logs. */
    @Override
    public String toString() {
        return "PostgresSettings[" + user + "@" + host + ":" + port + "/" + database + ", sslmode="
                + sslMode.wireName() + ", poolSize=" + poolSize + ", connectionTimeout="
                + connectionTimeout.toMillis() + "ms, password=" + (password.isEmpty() ? "(none)" : "****") + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("PostgreSQL " + name + " must not be blank");
        }
    }
}
