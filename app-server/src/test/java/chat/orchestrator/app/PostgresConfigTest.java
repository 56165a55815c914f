package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.postgres.PostgresSettings;
import chat.orchestrator.postgres.PostgresSslMode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL variables, read by the server (they were the adapter's to read until the server became their one
 * reader): settings come from the environment once, and a wrong value is named precisely, in the words these tests
 * have always held.
 */
class PostgresConfigTest {

    @Test
    void anEnvironmentWithoutPostgresMeansInMemoryHistory() {
        assertEquals(Optional.empty(), read(Map.of()));
        assertEquals(Optional.empty(), read(Map.of("POSTGRES_HOST", "", "DATABASE_URL", " ")));
    }

    @Test
    void theSeparateVariablesGiveSettingsWithDefaults() {
        PostgresSettings settings = read(Map.of("POSTGRES_HOST", "db.internal",
                "POSTGRES_DB", "orchestrator", "POSTGRES_USER", "chat", "POSTGRES_PASSWORD", " s3cret ")).orElseThrow();

        assertEquals(new PostgresSettings("db.internal", 5432, "orchestrator", "chat", " s3cret ",
                PostgresSslMode.PREFER, 10, Duration.ofSeconds(5)), settings);
        assertEquals("jdbc:postgresql://db.internal:5432/orchestrator?sslmode=prefer", settings.jdbcUrl());
    }

    @Test
    void everyVariableIsRead() {
        PostgresSettings settings = read(Map.of("POSTGRES_HOST", "10.0.0.5",
                "POSTGRES_PORT", "6432", "POSTGRES_DB", "chat", "POSTGRES_USER", "bot", "POSTGRES_PASSWORD", "pw",
                "POSTGRES_SSL_MODE", "verify-full", "POSTGRES_POOL_SIZE", "25",
                "POSTGRES_CONNECTION_TIMEOUT_MS", "2500")).orElseThrow();

        assertEquals(new PostgresSettings("10.0.0.5", 6432, "chat", "bot", "pw", PostgresSslMode.VERIFY_FULL, 25,
                Duration.ofMillis(2500)), settings);
    }

    @Test
    void aLibpqStyleDatabaseUrlIsAcceptedWithEncodedCredentials() {
        PostgresSettings settings = read(Map.of("DATABASE_URL",
                "postgres://chat%40prod:p%40ss+w%2Frd@db.example.com:5433/orchestrator?sslmode=require")).orElseThrow();

        assertEquals(new PostgresSettings("db.example.com", 5433, "orchestrator", "chat@prod", "p@ss+w/rd",
                PostgresSslMode.REQUIRE, 10, Duration.ofSeconds(5)), settings);
    }

    @Test
    void aJdbcDatabaseUrlIsAcceptedAndTheVariablesFillWhatItLeavesOut() {
        PostgresSettings settings = read(Map.of(
                "DATABASE_URL", "jdbc:postgresql://localhost/orchestrator",
                "POSTGRES_USER", "chat", "POSTGRES_PASSWORD", "pw", "POSTGRES_SSL_MODE", "disable",
                "POSTGRES_HOST", "ignored-because-the-url-wins")).orElseThrow();

        assertEquals(new PostgresSettings("localhost", 5432, "orchestrator", "chat", "pw", PostgresSslMode.DISABLE,
                10, Duration.ofSeconds(5)), settings);
        assertEquals("chat", read(Map.of("DATABASE_URL",
                "jdbc:postgresql://h:1/d?user=chat&password=pw&sslmode=allow")).orElseThrow().user());
    }

    @Test
    void eachMistakeIsNamedPrecisely() {
        assertMessage("POSTGRES_DB", Map.of("POSTGRES_HOST", "db", "POSTGRES_USER", "u"));
        assertMessage("POSTGRES_USER", Map.of("POSTGRES_HOST", "db", "POSTGRES_DB", "d"));
        assertMessage("POSTGRES_PORT must be a whole number between 1 and 65535, got 'five'",
                Map.of("POSTGRES_HOST", "db", "POSTGRES_DB", "d", "POSTGRES_USER", "u", "POSTGRES_PORT", "five"));
        assertMessage("POSTGRES_POOL_SIZE must be a whole number between 1 and 200, got '0'",
                Map.of("POSTGRES_HOST", "db", "POSTGRES_DB", "d", "POSTGRES_USER", "u", "POSTGRES_POOL_SIZE", "0"));
        assertMessage("POSTGRES_SSL_MODE must be one of disable, allow, prefer, require, verify-ca, verify-full, got 'on'",
                Map.of("POSTGRES_HOST", "db", "POSTGRES_DB", "d", "POSTGRES_USER", "u", "POSTGRES_SSL_MODE", "on"));
        assertMessage("POSTGRES_DB is set but neither POSTGRES_HOST nor DATABASE_URL is", Map.of("POSTGRES_DB", "d"));
        assertMessage("DATABASE_URL must start with postgres://", Map.of("DATABASE_URL", "mysql://u@h/d"));
        assertMessage("DATABASE_URL must end its path with the database name", Map.of("DATABASE_URL", "postgres://u@h:5432"));
        assertMessage("DATABASE_URL must name exactly one host",
                Map.of("DATABASE_URL", "jdbc:postgresql://h1:5432,h2:5432/d?user=u"));
        assertMessage("DATABASE_URL has the parameter 'sslrootcert', which is not supported",
                Map.of("DATABASE_URL", "postgres://u@h/d?sslrootcert=/etc/ca.pem"));
        assertMessage("DATABASE_URL sslmode must be one of", Map.of("DATABASE_URL", "postgres://u@h/d?sslmode=yes"));
    }

    @Test
    void theWholeMessagesOfTheMistakesAboveStay() {
        assertExactMessage("POSTGRES_DB is set but neither POSTGRES_HOST nor DATABASE_URL is: set one of them to use "
                + "PostgreSQL, or unset POSTGRES_DB", Map.of("POSTGRES_DB", "d"));
        assertExactMessage("PostgreSQL database is missing: POSTGRES_HOST is set, so set POSTGRES_DB too",
                Map.of("POSTGRES_HOST", "db", "POSTGRES_USER", "u"));
        assertExactMessage("PostgreSQL user is missing: set POSTGRES_USER or put it in DATABASE_URL",
                Map.of("DATABASE_URL", "postgres://h/d"));
        assertExactMessage("POSTGRES_CONNECTION_TIMEOUT_MS must be a whole number between 250 and 600000, got '249'",
                Map.of("POSTGRES_HOST", "db", "POSTGRES_DB", "d", "POSTGRES_USER", "u",
                        "POSTGRES_CONNECTION_TIMEOUT_MS", "249"));
        assertExactMessage("DATABASE_URL sslmode must be one of disable, allow, prefer, require, verify-ca, "
                + "verify-full, got 'yes'", Map.of("DATABASE_URL", "postgres://u@h/d?sslmode=yes"));
    }

    /** The reason only: URISyntaxException's own message would repeat the URL, and its password, in the log. */
    @Test
    void aMalformedDatabaseUrlIsRefusedWithoutRepeatingIt() {
        ConfigurationException failure = assertThrows(ConfigurationException.class,
                () -> read(Map.of("DATABASE_URL", "postgres://u:hunter2@db host/d")));

        assertTrue(failure.getMessage().startsWith("DATABASE_URL is not a valid URL: "), failure.getMessage());
        assertFalse(failure.getMessage().contains("hunter2"), failure.getMessage());
    }

    @Test
    void theUrlsSslModeWins_andTheVariablesSslModeIsThenNotRead() {
        assertEquals(PostgresSslMode.REQUIRE, read(Map.of("DATABASE_URL", "postgres://u@h/d?sslmode=REQUIRE",
                "POSTGRES_SSL_MODE", "bogus")).orElseThrow().sslMode());
    }

    private static Optional<PostgresSettings> read(Map<String, String> environment) {
        return AppConfig.fromEnvironment(environment).postgres();
    }

    private static void assertMessage(String expected, Map<String, String> environment) {
        ConfigurationException failure = assertThrows(ConfigurationException.class, () -> read(environment));
        assertTrue(failure.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + failure.getMessage());
    }

    private static void assertExactMessage(String expected, Map<String, String> environment) {
        assertEquals(expected, assertThrows(ConfigurationException.class, () -> read(environment)).getMessage());
    }
}
