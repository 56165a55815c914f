package chat.orchestrator.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The settings built in code; the server's variables are read by app-server (its PostgresConfigTest). */
class PostgresSettingsTest {

    @Test
    void theAddressAndCredentialsGiveSettingsWithTheDocumentedDefaults() {
        assertEquals(new PostgresSettings("db.internal", 5432, "orchestrator", "chat", " s3cret ",
                PostgresSslMode.PREFER, 10, Duration.ofSeconds(5)),
                PostgresSettings.of("db.internal", 5432, "orchestrator", "chat", " s3cret "));
    }

    @Test
    void aConnectionTimeoutShorterThanHikariTakesIsRefused() {
        PostgresSettings settings = PostgresSettings.of("db", 5432, "d", "u", "");

        assertEquals(Duration.ofMillis(250), settings.withConnectionTimeout(Duration.ofMillis(250)).connectionTimeout());
        assertEquals("PostgreSQL connection timeout must be at least 250 ms, got 249 ms", assertThrows(
                IllegalArgumentException.class, () -> settings.withConnectionTimeout(Duration.ofMillis(249))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings.withPoolSize(PostgresSettings.MAX_POOL_SIZE + 1));
    }

    @Test
    void anSslModeIsReadByItsWireName_ignoringCase() {
        assertEquals(Optional.of(PostgresSslMode.VERIFY_FULL), PostgresSslMode.parse(" Verify-Full "));
        assertEquals(Optional.empty(), PostgresSslMode.parse("verify_full"));
    }

    @Test
    void theJdbcUrlEncodesTheDatabaseNameAndBracketsAnIpv6Host() {
        assertEquals("jdbc:postgresql://[::1]:5432/chat%20bot%2Fprod?sslmode=prefer",
                PostgresSettings.of("::1", 5432, "chat bot/prod", "u", "").jdbcUrl());
    }

    @Test
    void thePasswordNeverAppearsInTheSettingsText() {
        PostgresSettings settings = PostgresSettings.of("db", 5432, "d", "u", "hunter2");

        assertFalse(settings.toString().contains("hunter2"), settings.toString());
        assertTrue(settings.toString().contains("u@db:5432/d"), settings.toString());
    }
}
