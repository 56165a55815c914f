package chat.orchestrator.core.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable message ids for the customer turns of the asynchronous API, which carries no ids of its own: derived from
 * the conversation, the turn's position and its text, so a retried request deduplicates like a retried webhook.
 */
public final class ChatTurnIds {
    private ChatTurnIds() {
    }

    public static MessageId of(ConversationId conversationId, int turnIndex, String text) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(conversationId.value().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(Integer.toString(turnIndex).getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) 0);
            sha256.update(text.getBytes(StandardCharsets.UTF_8));
            return MessageId.of("turn_" + HexFormat.of().formatHex(sha256.digest(), 0, 12));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("SHA-256 is part of every JDK", impossible);
        }
    }
}
