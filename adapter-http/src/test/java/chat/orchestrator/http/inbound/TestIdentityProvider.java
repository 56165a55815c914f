package chat.orchestrator.http.inbound;

import chat.orchestrator.http.ai.StubHttpServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * An identity provider for tests: its keys, a JWKS served by a real HTTP stub, and tokens signed here with Nimbus for
 * the issuer and audience {@link #jwks()} and {@link #sharedSecret()} expect.
 */
final class TestIdentityProvider implements AutoCloseable {
    static final String ISSUER = "https://idp.example.test/realms/ops";
    static final String AUDIENCE = "chat-orchestrator";
    static final String SECRET = "a shared HS256 secret, 32 bytes or more";

    final RSAKey rsa = rsa("rsa-1");
    final ECKey ec = ec("ec-1");
    final StubHttpServer server = StubHttpServer.start();

    TestIdentityProvider() {
        publish(rsa, ec);
    }

    /** From now on the JWKS lists exactly these keys (their public halves). */
    void publish(JWK... keys) {
        server.otherwise(StubHttpServer.Reply.json(200, new JWKSet(List.of(keys)).toPublicJWKSet().toString()));
    }

    URI jwksUrl() {
        return URI.create(server.url() + "/realms/ops/certs");
    }

    /** JWTs verified against this provider's JWKS, role in the default claim. */
    AdminJwtSettings jwks() {
        return new AdminJwtSettings(new AdminJwtSettings.Jwks(jwksUrl()), ISSUER, AUDIENCE,
                AdminJwtSettings.DEFAULT_ROLE_CLAIM, AdminJwtSettings.DEFAULT_ROLE);
    }

    /** JWTs signed HS256 with {@link #SECRET}, the role nested as Keycloak puts it. */
    static AdminJwtSettings sharedSecret() {
        return new AdminJwtSettings(new AdminJwtSettings.SharedSecret(SECRET), ISSUER, AUDIENCE,
                "realm_access.roles", AdminJwtSettings.DEFAULT_ROLE);
    }

    /** A person's claims, valid for ten minutes from now, with the admin role in {@code roles}. */
    static JWTClaimsSet.Builder admin(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("roles", List.of("viewer", AdminJwtSettings.DEFAULT_ROLE));
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) {
        return signed(JWSAlgorithm.RS256, key.getKeyID(), claims, signer(() -> new RSASSASigner(key)));
    }

    static String es256(ECKey key, JWTClaimsSet claims) {
        return signed(JWSAlgorithm.ES256, key.getKeyID(), claims, signer(() -> new ECDSASigner(key)));
    }

    static String hs256(String secret, JWTClaimsSet claims) {
        return signed(JWSAlgorithm.HS256, null, claims,
                signer(() -> new MACSigner(secret.getBytes(StandardCharsets.UTF_8))));
    }

    /** {@code alg: none}, built by hand: a header, the claims and an empty signature. */
    static String unsigned(JWTClaimsSet claims) {
        return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                + Base64URL.encode(claims.toString()) + ".";
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signed(JWSAlgorithm algorithm, String kid, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private interface SignerMaker {
        JWSSigner make() throws JOSEException;
    }

    private static JWSSigner signer(SignerMaker maker) {
        try {
            return maker.make();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
