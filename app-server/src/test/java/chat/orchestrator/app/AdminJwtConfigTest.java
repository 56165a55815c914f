package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.http.inbound.AdminJwtSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminJwtConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Map<String, String> IDP = Map.of(
            "ADMIN_JWT_JWKS_URL", "https://idp.example.test/realms/ops/protocol/openid-connect/certs",
            "ADMIN_JWT_ISSUER", "https://idp.example.test/realms/ops",
            "ADMIN_JWT_AUDIENCE", "chat-orchestrator");

    @Test
    void withoutAJwksUrlOrASecret_onlyTheAdminTokenOpensTheAdminEndpoints() {
        assertEquals(Optional.empty(), AppConfig.fromEnvironment(Map.of()).adminJwt());
    }

    @Test
    void aJwksUrl_withIssuerAndAudience_turnsJwtsOn_withTheDefaultRoleClaim() {
        AdminJwtSettings jwt = AppConfig.fromEnvironment(IDP).adminJwt().orElseThrow();

        assertEquals(new AdminJwtSettings.Jwks(URI.create(IDP.get("ADMIN_JWT_JWKS_URL"))), jwt.keys());
        assertEquals("https://idp.example.test/realms/ops", jwt.issuer());
        assertEquals("chat-orchestrator", jwt.audience());
        assertEquals("roles", jwt.roleClaim());
        assertEquals("orchestrator-admin", jwt.role());
    }

    @Test
    void aSharedSecret_turnsHs256On_andTheRoleClaimAndRoleAreTheOperatorsToName() {
        AdminJwtSettings jwt = AppConfig.fromEnvironment(Map.of("ADMIN_JWT_SECRET", SECRET,
                "ADMIN_JWT_ISSUER", "ops-tokens", "ADMIN_JWT_AUDIENCE", "orchestrator",
                "ADMIN_JWT_ROLE_CLAIM", "realm_access.roles", "ADMIN_JWT_ROLE", "support-lead")).adminJwt().orElseThrow();

        assertEquals(new AdminJwtSettings.SharedSecret(SECRET), jwt.keys());
        assertEquals("realm_access.roles", jwt.roleClaim());
        assertEquals("support-lead", jwt.role());
        assertFalse(jwt.toString().contains(SECRET), jwt.toString());
        assertFalse(AppConfig.fromEnvironment(Map.of("ADMIN_JWT_SECRET", SECRET, "ADMIN_JWT_ISSUER", "i",
                "ADMIN_JWT_AUDIENCE", "a")).toString().contains(SECRET));
    }

    @Test
    void aSecretShorterThan32Bytes_stopsTheStart() {
        ConfigurationException shortSecret = assertThrows(ConfigurationException.class, () -> AppConfig.fromEnvironment(
                Map.of("ADMIN_JWT_SECRET", "x".repeat(31), "ADMIN_JWT_ISSUER", "i", "ADMIN_JWT_AUDIENCE", "a")));

        assertTrue(shortSecret.getMessage().contains("ADMIN_JWT_SECRET"), shortSecret.getMessage());
        assertTrue(shortSecret.getMessage().contains("32"), shortSecret.getMessage());
    }

    @Test
    void bothAJwksUrlAndASecret_stopTheStart() {
        Map<String, String> both = new HashMap<>(IDP);
        both.put("ADMIN_JWT_SECRET", SECRET);

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(both));

        assertTrue(refused.getMessage().contains("ADMIN_JWT_JWKS_URL and ADMIN_JWT_SECRET"), refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"ADMIN_JWT_ISSUER", "ADMIN_JWT_AUDIENCE"})
    void issuerAndAudienceAreRequired_whenJwtsAreOn(String missing) {
        Map<String, String> variables = new HashMap<>(IDP);
        variables.remove(missing);

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(variables));

        assertTrue(refused.getMessage().startsWith(missing), refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"ADMIN_JWT_ISSUER", "ADMIN_JWT_AUDIENCE", "ADMIN_JWT_ROLE_CLAIM", "ADMIN_JWT_ROLE"})
    void aJwtSettingWithoutAKeySource_stopsTheStart_ratherThanBeingIgnored(String variable) {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of(variable, "something")));

        assertTrue(refused.getMessage().startsWith(variable), refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"ftp://idp.example.test/certs", "/realms/ops/certs", "https://"})
    void aJwksUrlThatIsNotAnHttpUrl_stopsTheStart(String url) {
        Map<String, String> variables = new HashMap<>(IDP);
        variables.put("ADMIN_JWT_JWKS_URL", url);

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(variables));

        assertTrue(refused.getMessage().contains("ADMIN_JWT_JWKS_URL"), refused.getMessage());
    }
}
