package chat.orchestrator.app;

import chat.orchestrator.http.inbound.AdminJwtSettings;
import java.util.List;
import java.util.Optional;

/**
 * Admin JWTs beside the admin token, on when {@code ADMIN_JWT_JWKS_URL} (an identity provider, RS256/ES256) or
 * {@code ADMIN_JWT_SECRET} (HS256) is set, never both: a shared secret beside an identity provider would let whoever
 * holds the secret mint tokens for any person.
 */
final class AdminJwtConfig {
    private static final List<String> DEPENDENTS = List.of("ADMIN_JWT_ISSUER", "ADMIN_JWT_AUDIENCE",
            "ADMIN_JWT_ROLE_CLAIM", "ADMIN_JWT_ROLE");

    private AdminJwtConfig() {
    }

    static Optional<AdminJwtSettings> read(Environment env) {
        boolean jwks = env.isSet("ADMIN_JWT_JWKS_URL");
        boolean secret = env.isSet("ADMIN_JWT_SECRET");
        if (jwks && secret) {
            throw new ConfigurationException("ADMIN_JWT_JWKS_URL and ADMIN_JWT_SECRET are both set: choose one (an "
                    + "identity provider's keys, or a shared HS256 secret), since the secret would let its holder mint "
                    + "tokens in the name of any of the provider's people");
        }
        env.requireWithAny(List.of("ADMIN_JWT_JWKS_URL", "ADMIN_JWT_SECRET"), "set one to accept admin JWTs", "",
                DEPENDENTS);
        if (!jwks && !secret) {
            return Optional.empty();
        }
        return Optional.of(Environment.validatedByAdapter(() -> new AdminJwtSettings(
                jwks ? new AdminJwtSettings.Jwks(env.url("ADMIN_JWT_JWKS_URL").orElseThrow())
                        : new AdminJwtSettings.SharedSecret(env.optional("ADMIN_JWT_SECRET").orElseThrow()),
                env.optional("ADMIN_JWT_ISSUER").orElse(""),
                env.optional("ADMIN_JWT_AUDIENCE").orElse(""),
                env.string("ADMIN_JWT_ROLE_CLAIM", AdminJwtSettings.DEFAULT_ROLE_CLAIM),
                env.string("ADMIN_JWT_ROLE", AdminJwtSettings.DEFAULT_ROLE))));
    }
}
