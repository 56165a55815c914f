package chat.orchestrator.http.inbound;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * How JWTs presented to the admin endpoints are checked ({@code ADMIN_JWT_*}): where the signing keys come from, and
 * the issuer, audience and role a token must carry. One key source per deployment, never both: a shared secret beside
 * an identity provider would let whoever holds the secret mint tokens for any person the provider vouches for.
 *
 * @param keys      the identity provider's JWKS (RS256, ES256) or a shared secret (HS256)
 * @param issuer    {@code ADMIN_JWT_ISSUER}: the exact {@code iss} a token must carry
 * @param audience  {@code ADMIN_JWT_AUDIENCE}: a value the token's {@code aud} must contain
 * @param roleClaim {@code ADMIN_JWT_ROLE_CLAIM}: the claim holding the person's roles (a string, space-separated, or an
 *                  array); a dotted name such as {@code realm_access.roles} reaches into nested objects
 * @param role      {@code ADMIN_JWT_ROLE}: the role that opens the admin endpoints
 */
public record AdminJwtSettings(Keys keys, String issuer, String audience, String roleClaim, String role) {
    public static final String DEFAULT_ROLE_CLAIM = "roles";
    public static final String DEFAULT_ROLE = "orchestrator-admin";
    /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    public AdminJwtSettings {
        Objects.requireNonNull(keys, "keys");
        requireText(issuer, "ADMIN_JWT_ISSUER");
        requireText(audience, "ADMIN_JWT_AUDIENCE");
        requireText(roleClaim, "ADMIN_JWT_ROLE_CLAIM");
        requireText(role, "ADMIN_JWT_ROLE");
    }

    /** Where the keys that sign admin tokens come from. */
    public sealed interface Keys {
    }

    /** {@code ADMIN_JWT_JWKS_URL}: an identity provider's published keys; tokens signed RS256 or ES256. */
    public record Jwks(URI url) implements Keys {
        public Jwks {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new IllegalArgumentException("ADMIN_JWT_JWKS_URL must be an absolute http or https URL with a "
                        + "host, got " + url);
            }
        }
    }

    /** {@code ADMIN_JWT_SECRET}: a secret shared with whoever issues the tokens; tokens signed HS256. */
    public record SharedSecret(String value) implements Keys {
        public SharedSecret {
            Objects.requireNonNull(value, "value");
            int length = value.getBytes(StandardCharsets.UTF_8).length;
            if (length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("ADMIN_JWT_SECRET must be at least " + MIN_SECRET_BYTES
                        + " bytes (256 bits) for HS256, got " + length);
            }
        }

        byte[] bytes() {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        /** The record's own would print the secret. */
        @Override
        public String toString() {
            return "SharedSecret[(set)]";
        }
    }

    private static void requireText(String value, String variable) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(variable + " is required when admin JWTs are on (ADMIN_JWT_JWKS_URL or "
                    + "ADMIN_JWT_SECRET is set)");
        }
    }
}
