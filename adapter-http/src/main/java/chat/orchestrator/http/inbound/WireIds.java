package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;

/**
 * What an identifier sent by a client may contain, on top of the core's rules (non-blank, bounded, no control
 * characters). Ids are written into log lines and store keys as they are: whitespace would let a client forge
 * {@code key=value} fields in a log line, bidi overrides and zero-width characters would make two different ids look
 * the same to the operator reading it, and an unpaired surrogate would be encoded as {@code ?} in UTF-8, so two
 * different ids would become one key.
 */
final class WireIds {
    private WireIds() {
    }

    /** Returns {@code value}, or throws an {@link InvalidInputException} naming {@code field}. */
    static String require(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new InvalidInputException(field, "must not contain spaces or line separators");
            }
            if (Character.getType(c) == Character.FORMAT) {
                throw new InvalidInputException(field,
                        "must not contain invisible format characters (bidi controls, zero-width characters)");
            }
        }
        return value;
    }
}
