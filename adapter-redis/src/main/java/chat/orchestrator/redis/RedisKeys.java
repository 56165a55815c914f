package chat.orchestrator.redis;

import chat.orchestrator.core.domain.ConversationId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * The key schema. Every key of one conversation carries the hash tag {@code {<id as base64url>}}: Redis Cluster
 * hashes only what is between the first braces, so all of a conversation's keys share one slot and its scripts run
 * unchanged on a cluster. The id is encoded because it may itself contain braces, which would end the tag early.
 */
final class RedisKeys {
    private static final Base64.Encoder TAG_ENCODING = Base64.getUrlEncoder().withoutPadding();

    private final String prefix;
    private final String conversationIndex;

    RedisKeys(String prefix) {
        this.prefix = prefix;
        this.conversationIndex = prefix + ":conversations";
    }

    ConversationKeys conversation(ConversationId id) {
        String base = prefix + ":conv:{" + TAG_ENCODING.encodeToString(id.value().getBytes(StandardCharsets.UTF_8))
                + "}:";
        return new ConversationKeys(base + "lock", base + "fence", base + "seen", base + "pending", base + "bodies",
                base + "summary");
    }

    /** The admin listing's index of every conversation; one key, in a slot of its own. */
    String conversationIndex() {
        return conversationIndex;
    }

    String job(UUID id) {
        return prefix + ":job:" + id;
    }

    /**
     * The keys of one conversation, all in one slot.
     *
     * @param lock    string {@code <fencing token>:<owner token>} with the lease as its TTL
     * @param fence   the fencing counter; no TTL, never deleted
     * @param seen    hash message id to the token of the accept call that stored it (dedup)
     * @param pending sorted set of message ids scored by timestamp in microseconds
     * @param bodies  hash message id to the message as JSON
     * @param summary hash with the latest message, message count and last update, for the admin
     */
    record ConversationKeys(String lock, String fence, String seen, String pending, String bodies, String summary) {
    }
}
