package chat.orchestrator.core.domain;

import java.util.Map;
import java.util.Optional;

/**
 * The platform page a conversation belongs to (a Facebook page, an Instagram account, a Zalo OA in one Pancake
 * account): its answers must go out as that page. Inbound adapters put it in a message's metadata under
 * {@link #METADATA_KEY}; the answer keeps the page of its burst.
 */
public record PageId(String value) {
    /** The metadata entry that names the page: the webhook's {@code page_id}, or a caller's own. */
    public static final String METADATA_KEY = "page_id";

    public PageId {
        Identifiers.require(value, METADATA_KEY);
    }

    /** The page a message's metadata names; empty when it names none, or a value no page id can be. */
    public static Optional<PageId> fromMetadata(Map<String, String> metadata) {
        String value = metadata.get(METADATA_KEY);
        try {
            return value == null ? Optional.empty() : Optional.of(new PageId(value.strip()));
        } catch (InvalidInputException notAnId) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
