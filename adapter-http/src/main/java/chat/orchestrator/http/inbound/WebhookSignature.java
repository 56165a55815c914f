package chat.orchestrator.http.inbound;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of the raw webhook body with {@code PANCAKE_WEBHOOK_SECRET}, hex-encoded, optionally prefixed
 * {@code sha256=}. Checked on the bytes as received, before parsing, and compared in constant time.
 */
public final class WebhookSignature {
    /** Header names tried in order: Pancake's own, then the Facebook-style one many proxies forward. */
    public static final String[] HEADERS = {"X-Pancake-Signature", "X-Hub-Signature-256"};

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a webhook secret must not be blank");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException impossible) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", impossible);
        }
    }

    public boolean verifies(byte[] body, String presented) {
        String hex = presented.trim().toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256=")) {
            hex = hex.substring("sha256=".length());
        }
        return MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII), hex.getBytes(StandardCharsets.US_ASCII));
    }
}
