package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.domain.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * The asynchronous API's history markup, {@code <USER>…</USER><br><BOT>…</BOT><br>}, as turns in order. Only the
 * two tags and {@code <br>} separators are allowed between turns, so a malformed history is refused, not guessed at.
 */
final class HistoryMarkup {
    static final int MAX_TURNS = 200;
    private static final String MALFORMED = "must be <USER>…</USER> and <BOT>…</BOT> turns separated by <br>";

    /** One parsed turn: who spoke, and the text as sent. */
    record MarkupTurn(Turn.Role role, String text) {
    }

    private HistoryMarkup() {
    }

    /**
     * A single left-to-right scan: every character is looked at a bounded number of times, whatever the input. (The
     * regular expressions this replaces took seconds on {@code <BOT>} repeated, and overflowed the stack on long
     * runs of spaces.)
     */
    static List<MarkupTurn> parse(String markup) {
        List<MarkupTurn> turns = new ArrayList<>();
        int at = skipSeparators(markup, 0);
        while (at < markup.length()) {
            Turn.Role role = openingTag(markup, at);
            String open = role == Turn.Role.CUSTOMER ? "<USER>" : "<BOT>";
            String close = "</" + open.substring(1);
            int textStart = at + open.length();
            int textEnd = indexOfIgnoreCase(markup, close, textStart);
            if (textEnd < 0) {
                throw new InvalidInputException("history", "has a turn with no closing " + close + " at position " + turns.size());
            }
            String text = markup.substring(textStart, textEnd).trim();
            if (text.isEmpty()) {
                throw new InvalidInputException("history", "has an empty turn at position " + turns.size());
            }
            turns.add(new MarkupTurn(role, text));
            if (turns.size() > MAX_TURNS) {
                throw new InvalidInputException("history", "must have at most " + MAX_TURNS + " turns");
            }
            at = skipSeparators(markup, textEnd + close.length());
        }
        if (turns.isEmpty()) {
            throw new InvalidInputException("history", "must contain at least one <USER>…</USER> turn");
        }
        return turns;
    }

    private static Turn.Role openingTag(String markup, int at) {
        if (markup.regionMatches(true, at, "<USER>", 0, 6)) {
            return Turn.Role.CUSTOMER;
        }
        if (markup.regionMatches(true, at, "<BOT>", 0, 5)) {
            return Turn.Role.BOT;
        }
        throw new InvalidInputException("history", MALFORMED);
    }

    /** Whitespace and {@code <br>}, {@code <br/>}, {@code <br />} (any case) between turns. */
    private static int skipSeparators(String markup, int from) {
        int at = from;
        while (at < markup.length()) {
            if (isSpace(markup.charAt(at))) {
                at++;
            } else if (markup.regionMatches(true, at, "<br", 0, 3)) {
                int end = at + 3;
                while (end < markup.length() && isSpace(markup.charAt(end))) {
                    end++;
                }
                if (end < markup.length() && markup.charAt(end) == '/') {
                    end++;
                }
                if (end >= markup.length() || markup.charAt(end) != '>') {
                    throw new InvalidInputException("history", MALFORMED);
                }
                at = end + 1;
            } else {
                return at;
            }
        }
        return at;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /** Tags are ASCII, so comparing region by region ignoring case needs no lower-cased copy. */
    private static int indexOfIgnoreCase(String text, String tag, int from) {
        char first = tag.charAt(0);
        for (int i = from; i <= text.length() - tag.length(); i++) {
            if (text.charAt(i) == first && text.regionMatches(true, i, tag, 0, tag.length())) {
                return i;
            }
        }
        return -1;
    }

    /** The customer turns after the bot's last answer: what is still to be answered, with their positions. */
    static List<Integer> unansweredCustomerTurns(List<MarkupTurn> turns) {
        int lastBot = -1;
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).role() == Turn.Role.BOT) {
                lastBot = i;
            }
        }
        List<Integer> positions = new ArrayList<>();
        for (int i = lastBot + 1; i < turns.size(); i++) {
            positions.add(i);
        }
        if (positions.isEmpty()) {
            throw new InvalidInputException("history", "must end with at least one <USER> turn to answer");
        }
        return positions;
    }
}
