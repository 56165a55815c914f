package chat.orchestrator.http.inbound;

/**
 * Client-supplied values made safe for {@code key=value} log lines: always quoted, with quotes, backslashes, control
 * and invisible format characters escaped, and cut to a bounded length. A value can then neither start a new field
 * (spaces stay inside the quotes), nor a new line, nor hide text from the reader (bidi overrides are shown as
 * {@code \\u202e}).
 */
public final class LogValues {
    /** Long enough to recognise an id or a path, short enough that a hostile value cannot flood the log. */
    static final int MAX_CHARS = 200;

    private LogValues() {
    }

    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 8).append('"');
        int limit = Math.min(value.length(), MAX_CHARS);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        if (value.length() > MAX_CHARS) {
            quoted.append("...(").append(value.length()).append(" chars)");
        }
        return quoted.append('"').toString();
    }

    /** Controls, line and paragraph separators, format characters (bidi, zero-width) and lone surrogates. */
    private static boolean needsEscape(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    /**
     * A copy of {@code thrown} for a log line: same classes named, same stack traces, every message quoted. The
     * original's message may quote the client's bytes (a parser's error often does).
     */
    public static Throwable redacted(Throwable thrown) {
        return redacted(thrown, 0);
    }

    private static Throwable redacted(Throwable thrown, int depth) {
        Throwable copy = new QuotedThrowable(thrown.getClass().getName() + ": " + quote(thrown.getMessage()));
        copy.setStackTrace(thrown.getStackTrace());
        if (thrown.getCause() != null && thrown.getCause() != thrown && depth < 8) {
            copy.initCause(redacted(thrown.getCause(), depth + 1));
        }
        return copy;
    }

    /** Stands in for a throwable whose message could not be logged as it was. */
    private static final class QuotedThrowable extends RuntimeException {
        QuotedThrowable(String message) {
            super(message);
        }
    }
}
