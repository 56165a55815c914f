package chat.orchestrator.app;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The two bearer tokens. The server never runs open: on the embedded default a missing token is generated and
 * printed once, so a developer can call the API; a deployment sets both.
 */
public record Tokens(String pancake, String admin, boolean generated) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Tokens from(AppConfig config) {
        boolean generated = config.pancakeAccessToken().isEmpty() || config.adminAccessToken().isEmpty();
        String pancake = config.pancakeAccessToken().orElseGet(Tokens::generate);
        String admin = config.adminAccessToken().orElseGet(Tokens::generate);
        if (pancake.equals(admin)) {
            throw new ConfigurationException("PANCAKE_ACCESS_TOKEN and ADMIN_ACCESS_TOKEN must differ: one must never open the other's endpoints");
        }
        return new Tokens(pancake, admin, generated);
    }

    static Optional<String> banner(AppConfig config, Tokens tokens) {
        if (!tokens.generated()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("No access tokens configured: generated for this run only (set them to keep them):\n");
        if (config.pancakeAccessToken().isEmpty()) {
            text.append("  PANCAKE_ACCESS_TOKEN=").append(tokens.pancake()).append('\n');
        }
        if (config.adminAccessToken().isEmpty()) {
            text.append("  ADMIN_ACCESS_TOKEN=").append(tokens.admin()).append('\n');
        }
        return Optional.of(text.toString());
    }

    private static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
