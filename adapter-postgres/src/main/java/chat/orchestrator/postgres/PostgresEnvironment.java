package chat.orchestrator.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@link PostgresSettings} from environment variables. {@code DATABASE_URL} (as hosting platforms set it)
 * wins over {@code POSTGRES_HOST}/{@code POSTGRES_PORT}/{@code POSTGRES_DB}; credentials and the SSL mode it
 * does not state come from {@code POSTGRES_USER}, {@code POSTGRES_PASSWORD} and {@code POSTGRES_SSL_MODE}.
 * Empty values count as unset, since env files often carry {@code NAME=} lines.
 */
final class PostgresEnvironment {
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

    private final Map<String, String> environment;

    private PostgresEnvironment(Map<String, String> environment) {
        this.environment = environment;
    }

    static Optional<PostgresSettings> read(Map<String, String> environment) {
        return new PostgresEnvironment(environment).settings();
    }

    private Optional<PostgresSettings> settings() {
        Optional<String> url = value(DATABASE_URL);
        if (url.isEmpty() && value(HOST).isEmpty()) {
            for (String dependent : List.of(PORT, DB, USER, PASSWORD, SSL_MODE, POOL_SIZE, CONNECTION_TIMEOUT_MS)) {
                if (value(dependent).isPresent()) {
                    throw new IllegalArgumentException(dependent + " is set but neither " + HOST + " nor "
                            + DATABASE_URL + " is: set one of them to use PostgreSQL, or unset " + dependent);
                }
            }
            return Optional.empty();
        }
        Address address = url.isPresent() ? fromUrl(url.get()) : fromVariables();
        String user = address.user().or(() -> value(USER)).orElseThrow(() -> new IllegalArgumentException(
                "PostgreSQL user is missing: set " + USER + (url.isPresent() ? " or put it in " + DATABASE_URL : "")));
        // Not trimmed, unlike the other values: spaces can be part of a password.
        String password = address.password()
                .or(() -> Optional.ofNullable(environment.get(PASSWORD)).filter(p -> !p.isEmpty())).orElse("");
        PostgresSslMode sslMode = address.sslMode().map(mode -> sslMode(mode, DATABASE_URL + " sslmode"))
                .or(() -> value(SSL_MODE).map(mode -> sslMode(mode, SSL_MODE)))
                .orElse(PostgresSettings.DEFAULT_SSL_MODE);
        int poolSize = value(POOL_SIZE).map(size -> wholeNumber(size, POOL_SIZE, 1, PostgresSettings.MAX_POOL_SIZE))
                .orElse(PostgresSettings.DEFAULT_POOL_SIZE);
        Duration timeout = value(CONNECTION_TIMEOUT_MS)
                .map(ms -> Duration.ofMillis(wholeNumber(ms, CONNECTION_TIMEOUT_MS, 250, 600_000)))
                .orElse(PostgresSettings.DEFAULT_CONNECTION_TIMEOUT);
        return Optional.of(new PostgresSettings(address.host(), address.port(), address.database(), user, password,
                sslMode, poolSize, timeout));
    }

    private Address fromVariables() {
        String host = value(HOST).orElseThrow();
        int port = value(PORT).map(p -> wholeNumber(p, PORT, 1, 65_535)).orElse(PostgresSettings.DEFAULT_PORT);
        String database = value(DB).orElseThrow(() -> new IllegalArgumentException(
                "PostgreSQL database is missing: " + HOST + " is set, so set " + DB + " too"));
        return new Address(host, port, database, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Accepts {@code postgres://}, {@code postgresql://} and {@code jdbc:postgresql://} URLs. */
    private static Address fromUrl(String url) {
        String withoutJdbc = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        URI uri;
        try {
            uri = new URI(withoutJdbc);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(DATABASE_URL + " is not a valid URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new IllegalArgumentException(DATABASE_URL + " must start with postgres://, postgresql:// or "
                    + "jdbc:postgresql://, got scheme '" + scheme + "'");
        }
        if (uri.getHost() == null) {
            // URI leaves the host out of authorities it cannot parse, such as JDBC's "host1,host2" lists.
            throw new IllegalArgumentException(DATABASE_URL + " must name exactly one host, as in "
                    + "postgres://user:password@host:5432/database");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() <= 1 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException(DATABASE_URL + " must end its path with the database name, as in "
                    + "postgres://user:password@host:5432/database");
        }
        Map<String, String> parameters = parameters(uri.getRawQuery());
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(u -> !u.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }
        return new Address(uri.getHost(), uri.getPort() < 0 ? PostgresSettings.DEFAULT_PORT : uri.getPort(),
                decode(path.substring(1)),
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
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (!URL_PARAMETERS.contains(name)) {
                // Dropping an option such as sslrootcert silently would weaken the connection without a word.
                throw new IllegalArgumentException(DATABASE_URL + " has the parameter '" + name
                        + "', which is not supported; supported parameters: " + String.join(", ", URL_PARAMETERS));
            }
            parameters.put(name, equals < 0 ? "" : decode(pair.substring(equals + 1)));
        }
        return parameters;
    }

    private static PostgresSslMode sslMode(String value, String source) {
        return PostgresSslMode.parse(value).orElseThrow(() -> new IllegalArgumentException(
                source + " must be one of " + PostgresSslMode.allWireNames() + ", got '" + value + "'"));
    }

    private static int wholeNumber(String value, String name, int min, int max) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the range
        }
        throw new IllegalArgumentException(
                name + " must be a whole number between " + min + " and " + max + ", got '" + value + "'");
    }

    /** Percent-decoding for URL parts; unlike form decoding, a '+' stays a '+' (passwords contain them). */
    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private Optional<String> value(String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private record Address(String host, int port, String database, Optional<String> user, Optional<String> password,
                           Optional<String> sslMode) {
    }
}
