package chat.orchestrator.app;

import static chat.orchestrator.app.Environment.decoded;

import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.postgres.PostgresSslMode;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL variables (docs/postgres.md, "Settings"). {@code DATABASE_URL} (as hosting platforms set it) wins
 * over {@code POSTGRES_HOST}/{@code POSTGRES_PORT}/{@code POSTGRES_DB}; credentials and the SSL mode it does not state
 * come from {@code POSTGRES_USER}, {@code POSTGRES_PASSWORD} and {@code POSTGRES_SSL_MODE}. The defaults are
 * {@link PostgresSettings}'.
 */
final class PostgresConfig {
    static final String DATABASE_URL = "DATABASE_URL";
    static final String HOST = "POSTGRES_HOST";
    static final String PORT = "POSTGRES_PORT";
    static final String DB = "POSTGRES_DB";
    static final String USER = "POSTGRES_USER";
    static final String PASSWORD = "POSTGRES_PASSWORD";
    static final String SSL_MODE = "POSTGRES_SSL_MODE";
    static final String POOL_SIZE = "POSTGRES_POOL_SIZE";
    static final String CONNECTION_TIMEOUT_MS = "POSTGRES_CONNECTION_TIMEOUT_MS";

    private static final List<String> URL_PARAMETERS = List.of("user", "password", "sslmode");
    private static final List<String> SSL_MODES = Arrays.stream(PostgresSslMode.values())
            .map(PostgresSslMode::wireName).toList();

    private PostgresConfig() {
    }

    /**
     * The PostgreSQL the environment describes, or empty when it names none (neither {@code DATABASE_URL} nor
     * {@code POSTGRES_HOST}): the server then keeps its history in memory. Any other {@code POSTGRES_*} variable set
     * then stops the start, since the operator clearly meant PostgreSQL.
     */
    static Optional<PostgresSettings> read(Environment env) {
        env.requireWithAny(List.of(HOST, DATABASE_URL), "set one of them to use PostgreSQL", "",
                List.of(PORT, DB, USER, PASSWORD, SSL_MODE, POOL_SIZE, CONNECTION_TIMEOUT_MS));
        Optional<String> url = env.optional(DATABASE_URL);
        if (url.isEmpty() && !env.isSet(HOST)) {
            return Optional.empty();
        }
        Address address = url.isPresent() ? fromUrl(url.get()) : fromVariables(env);
        String user = address.user().or(() -> env.optional(USER)).orElseThrow(() -> new ConfigurationException(
                "PostgreSQL user is missing: set " + USER + (url.isPresent() ? " or put it in " + DATABASE_URL : "")));
        // Not trimmed, unlike the other values: spaces can be part of a password.
        String password = address.password().or(() -> env.untrimmed(PASSWORD)).orElse("");
        PostgresSslMode sslMode = address.sslMode().map(mode -> sslMode(DATABASE_URL + " sslmode", mode))
                .or(() -> env.optional(SSL_MODE).map(mode -> sslMode(SSL_MODE, mode)))
                .orElse(PostgresSettings.DEFAULT_SSL_MODE);
        int poolSize = env.integer(POOL_SIZE, PostgresSettings.DEFAULT_POOL_SIZE, 1, PostgresSettings.MAX_POOL_SIZE);
        Duration timeout = env.millis(CONNECTION_TIMEOUT_MS, PostgresSettings.DEFAULT_CONNECTION_TIMEOUT,
                (int) PostgresSettings.MIN_CONNECTION_TIMEOUT.toMillis(), 600_000);
        return Optional.of(Environment.validatedByAdapter(() -> new PostgresSettings(address.host(), address.port(),
                address.database(), user, password, sslMode, poolSize, timeout)));
    }

    private static Address fromVariables(Environment env) {
        String host = env.optional(HOST).orElseThrow();
        int port = env.integer(PORT, PostgresSettings.DEFAULT_PORT, 1, 65_535);
        String database = env.optional(DB).orElseThrow(() -> new ConfigurationException(
                "PostgreSQL database is missing: " + HOST + " is set, so set " + DB + " too"));
        return new Address(host, port, database, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Accepts {@code postgres://}, {@code postgresql://} and {@code jdbc:postgresql://} URLs. */
    private static Address fromUrl(String url) {
        URI uri = Environment.uri(DATABASE_URL, url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url);
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new ConfigurationException(DATABASE_URL + " must start with postgres://, postgresql:// or "
                    + "jdbc:postgresql://, got scheme '" + scheme + "'");
        }
        if (uri.getHost() == null) {
            // URI leaves the host out of authorities it cannot parse, such as JDBC's "host1,host2" lists.
            throw new ConfigurationException(DATABASE_URL + " must name exactly one host, as in "
                    + "postgres://user:password@host:5432/database");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() <= 1 || path.indexOf('/', 1) >= 0) {
            throw new ConfigurationException(DATABASE_URL + " must end its path with the database name, as in "
                    + "postgres://user:password@host:5432/database");
        }
        Map<String, String> parameters = parameters(uri.getRawQuery());
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decoded(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(u -> !u.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(decoded(userInfo.substring(colon + 1)));
        }
        return new Address(uri.getHost(), uri.getPort() < 0 ? PostgresSettings.DEFAULT_PORT : uri.getPort(),
                decoded(path.substring(1)),
                user.or(() -> Optional.ofNullable(parameters.get("user"))),
                password.or(() -> Optional.ofNullable(parameters.get("password"))),
                Optional.ofNullable(parameters.get("sslmode")));
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = decoded(equals < 0 ? pair : pair.substring(0, equals));
            if (!URL_PARAMETERS.contains(name)) {
                // Dropping an option such as sslrootcert silently would weaken the connection without a word.
                throw new ConfigurationException(DATABASE_URL + " has the parameter '" + name
                        + "', which is not supported; supported parameters: " + String.join(", ", URL_PARAMETERS));
            }
            parameters.put(name, equals < 0 ? "" : decoded(pair.substring(equals + 1)));
        }
        return parameters;
    }

    /** @param source the variable, or the URL's parameter, that said it */
    private static PostgresSslMode sslMode(String source, String value) {
        return PostgresSslMode.parse(Environment.oneOf(source, value, SSL_MODES)).orElseThrow();
    }

    private record Address(String host, int port, String database, Optional<String> user, Optional<String> password,
                           Optional<String> sslMode) {
    }
}
