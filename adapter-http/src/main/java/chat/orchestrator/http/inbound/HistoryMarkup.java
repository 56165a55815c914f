package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import chat.orchestrator.core.domain.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The asynchronous API's history markup, {@code <USER>…</USER><br><BOT>…</BOT><br>}, as turns in order. Only the
 * two tags and {@code <br>} separators are allowed between turns, so a malformed history is refused, not guessed at.
 */
final class HistoryMarkup {
    private static final Pattern TURN = Pattern.compile("<(USER|BOT)>(.*?)</\\1>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern SEPARATOR = Pattern.compile("(\\s|<br\\s*/?>)*", Pattern.CASE_INSENSITIVE);
    static final int MAX_TURNS = 200;

    /** One parsed turn: who spoke, and the text as sent. */
    record MarkupTurn(Turn.Role role, String text) {
    }

    private HistoryMarkup() {
    }

    static List<MarkupTurn> parse(String markup) {
        List<MarkupTurn> turns = new ArrayList<>();
        Matcher matcher = TURN.matcher(markup);
        int end = 0;
        while (matcher.find()) {
            requireSeparator(markup.substring(end, matcher.start()));
            String text = matcher.group(2).trim();
            if (text.isEmpty()) {
                throw new InvalidInputException("history", "has an empty turn at position " + turns.size());
            }
            turns.add(new MarkupTurn(matcher.group(1).equalsIgnoreCase("USER") ? Turn.Role.CUSTOMER : Turn.Role.BOT, text));
            if (turns.size() > MAX_TURNS) {
                throw new InvalidInputException("history", "must have at most " + MAX_TURNS + " turns");
            }
            end = matcher.end();
        }
        requireSeparator(markup.substring(end));
        if (turns.isEmpty()) {
            throw new InvalidInputException("history", "must contain at least one <USER>…</USER> turn");
        }
        return turns;
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

    private static void requireSeparator(String between) {
        if (!SEPARATOR.matcher(between).matches()) {
            throw new InvalidInputException("history", "must be <USER>…</USER> and <BOT>…</BOT> turns separated by <br>");
        }
    }
}
