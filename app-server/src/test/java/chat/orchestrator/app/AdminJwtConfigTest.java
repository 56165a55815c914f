package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.http.inbound.AdminJwtSettings;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
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

    @Test
    void theServerStarts_whileTheIdentityProviderIsUnreachable_andAnswersAJwtWith503_theStaticTokenWith200()
            throws Exception {
        Map<String, String> variables = new HashMap<>(IDP);
        // Port 9 (discard) on loopback: nothing listens, so the JWKS fetch is refused at once.
        variables.putAll(Map.of("ADMIN_JWT_JWKS_URL", "http://127.0.0.1:9/certs", "API_HOST", "127.0.0.1",
                "API_PORT", "0", "SHUTDOWN_DRAIN_SECONDS", "0"));
        AppConfig config = AppConfig.fromEnvironment(variables);
        Tokens tokens = Tokens.from(config);

        try (Application application = Application.start(config, tokens)) {
            URI health = URI.create("http://127.0.0.1:" + application.port() + "/api/v1/admin/health");
            assertEquals(200, adminGet(health, tokens.admin()).statusCode());
            assertEquals(503, adminGet(health, jwt()).statusCode());
        }
    }

    private static HttpResponse<String> adminGet(URI uri, String bearer) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String jwt() throws JOSEException {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer(IDP.get("ADMIN_JWT_ISSUER")).audience("chat-orchestrator")
                        .subject("alice").expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
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
