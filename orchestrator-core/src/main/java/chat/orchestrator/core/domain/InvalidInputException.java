package chat.orchestrator.core.domain;

/** A value failed validation; names the offending field so callers can answer with a precise 4xx. */
public final class InvalidInputException extends IllegalArgumentException {
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
