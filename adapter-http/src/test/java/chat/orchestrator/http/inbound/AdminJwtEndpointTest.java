package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.TestIdentityProvider.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.http.ai.StubHttpServer;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A person's JWT on the admin endpoints, beside the admin token: tokens signed here with Nimbus, keys served as a
 * JWKS by a real HTTP stub, checked by a real server.
 */
class AdminJwtEndpointTest {
    private static final String HEALTH = "/api/v1/admin/health";
    private static final String INVALID_TOKEN = "Bearer error=\"invalid_token\"";

    private final TestIdentityProvider idp = new TestIdentityProvider();
    private final List<RunningApi> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(RunningApi::close);
        idp.close();
    }

    @Test
    void rs256AndEs256TokensFromTheJwks_openTheAdminEndpoints_withOneFetchOfTheKeys() {
        RunningApi api = started(idp.jwks());
        String rs256 = TestIdentityProvider.rs256(idp.rsa, admin("alice").build());
        String es256 = TestIdentityProvider.es256(idp.ec, admin("bob").build());

        for (String token : List.of(rs256, es256, rs256, es256)) {
            assertEquals(200, api.get(HEALTH, token).status());
        }
        assertEquals(200, api.get("/api/v1/admin/conversations", es256).status());
        assertEquals(200, api.get("/api/v1/admin/deliveries", rs256).status());
        assertEquals(1, idp.server.requests().size(), "the keys are cached, not fetched per request");
    }

    @Test
    void theStaticAdminTokenStillWorks_besideJwts() {
        RunningApi api = started(idp.jwks());

        assertEquals(200, api.get(HEALTH, RunningApi.ADMIN_TOKEN).status());
        assertEquals(200, api.post("/api/v1/admin/system/cleanup", "", RunningApi.ADMIN_TOKEN).status());
        assertTrue(api.get("/api/v1/status/handler", RunningApi.ADMIN_TOKEN).json().has("adapters"));
        assertEquals(0, idp.server.requests().size(), "no JWT, no fetch of the keys");
    }

    static Stream<Arguments> refusedTokens() {
        Instant now = Instant.now();
        RSAKey impostor = TestIdentityProvider.rsa("rsa-1");
        return Stream.of(
                refused("expired", idp -> TestIdentityProvider.rs256(idp.rsa, admin("alice")
                        .expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))).build()), "token_expired"),
                refused("not yet valid", idp -> TestIdentityProvider.rs256(idp.rsa, admin("alice")
                        .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5)))).build()), "unauthorized"),
                refused("wrong issuer", idp -> TestIdentityProvider.rs256(idp.rsa, admin("alice")
                        .issuer("https://elsewhere.example.test/").build()), "unauthorized"),
                refused("wrong audience", idp -> TestIdentityProvider.es256(idp.ec, admin("alice")
                        .audience("another-service").build()), "unauthorized"),
                refused("no expiry", idp -> TestIdentityProvider.rs256(idp.rsa, admin("alice")
                        .expirationTime(null).build()), "unauthorized"),
                refused("no subject", idp -> TestIdentityProvider.rs256(idp.rsa, admin("alice")
                        .subject(null).build()), "unauthorized"),
                refused("signed by another key with the same kid", idp -> TestIdentityProvider.rs256(impostor,
                        admin("mallory").build()), "unauthorized"),
                refused("alg none", idp -> TestIdentityProvider.unsigned(admin("mallory").build()), "unauthorized"),
                refused("HS256 where only a JWKS is configured", idp -> TestIdentityProvider.hs256(
                        TestIdentityProvider.SECRET, admin("mallory").build()), "unauthorized"),
                refused("not a JWT", idp -> "not.a.jwt", "unauthorized"));
    }

    private static Arguments refused(String name, Function<TestIdentityProvider, String> token, String code) {
        return Arguments.of(name, token, code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void aTokenThatDoesNotCheckOut_isA401_withInvalidToken_andNoWriteHappens(
            String name, Function<TestIdentityProvider, String> token, String code) {
        RunningApi api = started(idp.jwks());
        String presented = token.apply(idp);

        for (RunningApi.Reply reply : List.of(api.get(HEALTH, presented),
                api.post("/api/v1/admin/system/cleanup", "", presented))) {
            assertEquals(401, reply.status(), name + ": " + reply.json());
            assertEquals(code, reply.json().get("error").get("code").asText());
            assertFalse(reply.json().get("success").asBoolean());
            assertTrue(reply.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith(INVALID_TOKEN),
                    reply.raw().headers().map().toString());
        }
        assertFalse(api.get("/api/v1/status/handler", presented).json().has("adapters"));
    }

    @Test
    void noTokenAtAll_isA401_withABareBearerChallenge() {
        RunningApi api = started(idp.jwks());

        RunningApi.Reply reply = api.send(api.request(HEALTH).GET().build());

        assertEquals(401, reply.status());
        assertEquals("Bearer", reply.raw().headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void aValidTokenWithoutTheRole_isA403_onReadsAndWrites() {
        RunningApi api = started(idp.jwks());
        String viewer = TestIdentityProvider.rs256(idp.rsa, admin("victor").claim("roles", List.of("viewer")).build());
        String noClaim = TestIdentityProvider.es256(idp.ec, admin("nora").claim("roles", null).build());

        for (String token : List.of(viewer, noClaim)) {
            for (RunningApi.Reply reply : List.of(api.get(HEALTH, token),
                    api.post("/api/v1/admin/conversations/conv_1/cancel", "", token))) {
                assertEquals(403, reply.status(), reply.json().toString());
                assertEquals("forbidden", reply.json().get("error").get("code").asText());
            }
        }
    }

    @Test
    void theRoleClaimMayBeASpaceSeparatedString() {
        RunningApi api = started(idp.jwks());
        String token = TestIdentityProvider.rs256(idp.rsa, admin("alice")
                .claim("roles", "viewer " + AdminJwtSettings.DEFAULT_ROLE).build());

        assertEquals(200, api.get(HEALTH, token).status());
    }

    @Test
    void aKeyRotatedIn_isFetchedOnce_whenATokenNamesItsNewKid() {
        RunningApi api = started(idp.jwks());
        assertEquals(200, api.get(HEALTH, TestIdentityProvider.rs256(idp.rsa, admin("alice").build())).status());
        RSAKey rotated = TestIdentityProvider.rsa("rsa-2");
        idp.publish(rotated, idp.ec);

        String signedWithTheNewKey = TestIdentityProvider.rs256(rotated, admin("alice").build());
        assertEquals(200, api.get(HEALTH, signedWithTheNewKey).status());
        assertEquals(200, api.get(HEALTH, signedWithTheNewKey).status());

        assertEquals(2, idp.server.requests().size(), "one fetch at the first token, one for the new kid");
    }

    @Test
    void madeUpKeyIds_cannotMakeTheServerFetchTheJwksPerRequest() {
        RunningApi api = started(idp.jwks());

        for (int i = 0; i < 10; i++) {
            String token = TestIdentityProvider.rs256(TestIdentityProvider.rsa("made-up-" + i), admin("mallory").build());
            assertEquals(401, api.get(HEALTH, token).status());
        }

        assertTrue(idp.server.requests().size() <= 2, "JWKS fetched " + idp.server.requests().size() + " times");
    }

    @Test
    void whileTheIdentityProviderIsDown_aJwtIsA503_theStaticTokenWorks_andItRecovers() {
        idp.server.otherwise(StubHttpServer.Reply.json(500, "{}"));
        RunningApi api = started(idp.jwks());
        String token = TestIdentityProvider.rs256(idp.rsa, admin("alice").build());

        RunningApi.Reply down = api.get(HEALTH, token);
        assertEquals(503, down.status());
        assertEquals("temporarily_unavailable", down.json().get("error").get("code").asText());
        assertEquals(200, api.get(HEALTH, RunningApi.ADMIN_TOKEN).status());

        idp.publish(idp.rsa, idp.ec);
        assertEquals(200, api.get(HEALTH, token).status());
    }

    @Test
    void hs256WithTheSharedSecret_opens_andRs256OrAnotherSecretDoNot() {
        RunningApi api = started(TestIdentityProvider.sharedSecret());
        JWTClaimsSet keycloakShaped = admin("alice").claim("roles", null)
                .claim("realm_access", java.util.Map.of("roles", List.of(AdminJwtSettings.DEFAULT_ROLE))).build();

        assertEquals(200, api.get(HEALTH, TestIdentityProvider.hs256(TestIdentityProvider.SECRET, keycloakShaped))
                .status());
        assertEquals(401, api.get(HEALTH, TestIdentityProvider.hs256("another secret that is also 32 bytes long",
                keycloakShaped)).status());
        assertEquals(401, api.get(HEALTH, TestIdentityProvider.rs256(idp.rsa, keycloakShaped)).status(),
                "RS256 where only a secret is configured");
        assertEquals(403, api.get(HEALTH, TestIdentityProvider.hs256(TestIdentityProvider.SECRET,
                admin("victor").build())).status(), "the role is read from realm_access.roles only");
        assertEquals(0, idp.server.requests().size());
    }

    @Test
    void adminWritesLogWhoMadeThem_andNoLogLineQuotesTheToken() {
        RunningApi api = started(idp.jwks());
        String token = TestIdentityProvider.rs256(idp.rsa, admin("alice@example.test").build());
        String expired = TestIdentityProvider.rs256(idp.rsa, admin("alice@example.test")
                .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1)))).build());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                lines.add(format.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger inbound = Logger.getLogger("chat.orchestrator.http.inbound");
        Level before = inbound.getLevel();
        inbound.setLevel(Level.ALL);
        inbound.addHandler(capture);
        try {
            assertEquals(200, api.post("/api/v1/admin/system/cleanup?max_age_hours=2", "", token).status());
            assertEquals(200, api.post("/api/v1/admin/conversations/conv_9/cancel", "", token).status());
            assertEquals(200, api.post("/api/v1/admin/system/cleanup", "", RunningApi.ADMIN_TOKEN).status());
            assertEquals(401, api.post("/api/v1/admin/system/cleanup", "", expired).status());
            assertEquals(401, api.post("/api/v1/admin/system/cleanup", "", token + "x").status());
        } finally {
            inbound.removeHandler(capture);
            inbound.setLevel(before);
        }

        assertTrue(lines.stream().anyMatch(l -> l.contains("sub=\"alice@example.test\"") && l.contains("cleanup")
                && l.contains("max_age_hours=2")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("sub=\"alice@example.test\"") && l.contains("force release")
                && l.contains("conv_9")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains(AdminAuthenticator.STATIC_TOKEN) && l.contains("cleanup")),
                lines.toString());
        for (String line : lines) {
            for (String secret : List.of(token, expired, token.split("\\.")[2], RunningApi.ADMIN_TOKEN)) {
                assertFalse(line.contains(secret), "a log line quotes a token: " + line);
            }
        }
    }

    private RunningApi started(AdminJwtSettings jwt) {
        RunningApi api = new RunningApi(new RuleBasedResponder(), jwt);
        servers.add(api);
        return api;
    }
}
