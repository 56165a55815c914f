package chat.orchestrator.core.domain;

/** Shared validation for the identifiers that cross the wire: non-blank, bounded, printable. */
final class Identifiers {
    static final int MAX_LENGTH = 256;

    private Identifiers() {
    }

    static String require(String value, String field) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
        if (value.isBlank()) {
            throw new InvalidInputException(field, "must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidInputException(field, "must be at most " + MAX_LENGTH + " characters");
        }
        // Ids end up in Redis keys and log lines: control characters would corrupt both.
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidInputException(field, "must not contain control characters");
            }
        }
        return value;
    }
}
