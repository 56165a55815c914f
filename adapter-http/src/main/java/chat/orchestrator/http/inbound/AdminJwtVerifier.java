package chat.orchestrator.http.inbound;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an admin JWT on this instance alone, with Nimbus JOSE+JWT: the signature against the configured keys and
 * only with their algorithms (RS256/ES256 for a JWKS, HS256 for a secret; unsigned {@code alg: none} tokens never
 * pass), then {@code iss}, {@code aud}, {@code exp}, {@code nbf} and {@code sub}, then the role.
 */
final class AdminJwtVerifier {
    /** Tolerated difference between our clock and the issuer's, for {@code exp} and {@code nbf}. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** How long fetched keys are used before they are fetched again. */
    static final Duration JWKS_CACHE_TTL = Duration.ofMinutes(5);
    /**
     * At most two JWKS fetches per interval: a token with an unknown key id causes one refetch (key rotation), and a
     * flood of made-up key ids cannot turn into a flood of requests to the identity provider.
     */
    static final Duration JWKS_REFETCH_INTERVAL = Duration.ofSeconds(30);
    private static final int JWKS_HTTP_TIMEOUT_MS = 2_000;
    private static final int JWKS_MAX_BYTES = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(AdminJwtVerifier.class.getName());

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final AdminRole role;

    AdminJwtVerifier(AdminJwtSettings settings, Clock clock) {
        processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(keySelector(settings.keys()));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()), new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("sub", "exp"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        role = new AdminRole(settings.roleClaim(), settings.role());
    }

    /**
     * Only the algorithms of the configured key source: an HS256 token is refused where keys come from a JWKS (no
     * public key is ever used as an HMAC secret), an RS256 or ES256 one where a secret is configured. The JWKS is
     * fetched lazily, on the first JWT, so an identity provider that is briefly down does not stop the start.
     */
    private static JWSKeySelector<SecurityContext> keySelector(AdminJwtSettings.Keys keys) {
        return switch (keys) {
            case AdminJwtSettings.Jwks jwks -> {
                try {
                    yield new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                            JWKSourceBuilder.create(jwks.url().toURL(), new DefaultResourceRetriever(
                                            JWKS_HTTP_TIMEOUT_MS, JWKS_HTTP_TIMEOUT_MS, JWKS_MAX_BYTES))
                                    .cache(JWKS_CACHE_TTL.toMillis(), JWKS_HTTP_TIMEOUT_MS * 3L)
                                    .refreshAheadCache(false)
                                    .rateLimited(JWKS_REFETCH_INTERVAL.toMillis())
                                    .retrying(true)
                                    .outageTolerant(true)
                                    .build());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("ADMIN_JWT_JWKS_URL is not a URL: " + e.getMessage(), e);
                }
            }
            case AdminJwtSettings.SharedSecret secret -> new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256,
                    new SecretKeySpec(secret.bytes(), "HmacSHA256"));
        };
    }

    /**
     * Never throws for a bad token: every refusal is an outcome, its reason Nimbus's words (never the token, but they
     * can quote a forged header, so they are logged quoted).
     */
    AdminCheck check(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            // The subject is the issuer's text, not ours: quoted, so it cannot forge a field of a log line.
            return role.carriedBy(claims) ? new AdminCheck.Granted("sub=" + LogValues.quote(claims.getSubject()))
                    : new AdminCheck.Forbidden(claims.getSubject());
        } catch (ExpiredJWTException expired) {
            return new AdminCheck.Expired();
        } catch (ParseException | BadJOSEException refused) {
            return new AdminCheck.Invalid(refused.getMessage());
        } catch (RateLimitReachedException unknownKey) {
            return new AdminCheck.Invalid("unknown key id, and the JWKS was fetched moments ago");
        } catch (KeySourceException unreachable) {
            LOG.log(System.Logger.Level.WARNING, "admin JWT: the JWKS cannot be fetched: {0}", unreachable.getMessage());
            return new AdminCheck.KeysUnavailable(unreachable.getMessage());
        } catch (JOSEException failed) {
            return new AdminCheck.Invalid(failed.getMessage());
        }
    }

    /** The role a token must carry in its role claim: a string (space-separated roles) or an array of strings. */
    record AdminRole(String claim, String role) {
        boolean carriedBy(JWTClaimsSet claims) {
            Object value = claims.getClaim(claim);
            if (value == null && claim.contains(".")) {
                value = nested(claims.toJSONObject(), claim.split("\\."));
            }
            return switch (value) {
                case String roles -> Arrays.asList(roles.trim().split("\\s+")).contains(role);
                case Collection<?> roles -> roles.contains(role);
                case null, default -> false;
            };
        }

        private static Object nested(Map<String, Object> object, String[] path) {
            Object value = object;
            for (String name : path) {
                if (!(value instanceof Map<?, ?> map)) {
                    return null;
                }
                value = map.get(name);
            }
            return value;
        }
    }
}
