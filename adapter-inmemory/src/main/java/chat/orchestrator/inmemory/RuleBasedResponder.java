package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiPort;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The built-in responder of the embedded default, so the server answers with no AI configured. Deterministic
 * keyword rules in Vietnamese and English: a request for a human, a booking, thanks, a greeting, else a polite
 * fallback; it answers in the customer's language and emits the matching action types.
 */
public final class RuleBasedResponder implements AiPort {
    public static final String MODEL = "builtin-rules-v1";

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS;
    private static final Pattern HUMAN = words("nhân viên", "người thật", "tư vấn viên", "gặp người", "human",
            "agent", "real person", "operator", "representative");
    private static final Pattern BOOKING = words("đặt lịch", "đặt hẹn", "lịch khám", "đặt chỗ", "hẹn khám", "book",
            "booking", "appointment", "schedule", "reservation", "reserve");
    private static final Pattern THANKS = words("cảm ơn", "cám ơn", "thank you", "thanks", "thank", "thx");
    private static final Pattern GREETING = words("xin chào", "chào", "alo", "hello", "hi", "hey", "good morning",
            "good afternoon", "good evening");
    private static final Pattern VIETNAMESE_WORDS = words("tôi", "mình", "bạn", "không", "muốn", "ạ", "em", "anh",
            "chị", "được", "giúp", "cho");
    /** Letters that only Vietnamese uses among the two languages we answer in. */
    private static final Pattern VIETNAMESE_LETTERS = Pattern.compile(
            "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", FLAGS);
    private static final Pattern PHONE = Pattern.compile("(?<!\\d)(?:\\+84|0)\\d{9,10}(?!\\d)");
    private static final Pattern DAY = Pattern.compile(
            "\\b(thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b", FLAGS);

    private enum Language { VIETNAMESE, ENGLISH }

    @Override
    public AiReply answer(ConversationContext context) {
        String text = context.burst().stream().map(InboundMessage::content).collect(Collectors.joining("\n"));
        Language language = languageOf(text);
        Map<String, String> entities = entities(text);
        if (HUMAN.matcher(text).find()) {
            return reply(language, "request_human", 0.9, entities,
                    say(language, "Dạ, em sẽ chuyển cuộc trò chuyện tới nhân viên tư vấn ngay ạ.",
                            "Sure, I am connecting you with one of our team members now."),
                    said -> List.of(new Action.SendMessage(said), new Action.TransferToAgent("customer asked for a human", said)));
        }
        if (BOOKING.matcher(text).find()) {
            return reply(language, "book_appointment", 0.85, entities,
                    say(language, "Dạ, bạn muốn đặt lịch vào buổi nào ạ? Bạn vui lòng cho em xin họ tên và số điện thoại nhé.",
                            "Happy to help you book. Which time suits you? Please share your name and phone number."),
                    said -> List.of(
                            new Action.SendQuickReplies(said, say(language, List.of("Sáng", "Chiều", "Tối"),
                                    List.of("Morning", "Afternoon", "Evening"))),
                            new Action.CollectInfo(say(language, "Họ tên và số điện thoại của bạn", "Your name and phone number"),
                                    List.of("name", "phone"))));
        }
        if (THANKS.matcher(text).find()) {
            return reply(language, "thanks", 0.9, entities,
                    say(language, "Dạ, không có gì ạ! Bạn cần hỗ trợ thêm gì cứ nhắn cho em nhé.",
                            "You're welcome! Message us any time you need help."),
                    said -> List.of(new Action.SendMessage(said)));
        }
        if (GREETING.matcher(text).find()) {
            return reply(language, "greeting", 0.9, entities,
                    say(language, "Xin chào! Em có thể giúp gì cho bạn ạ?", "Hello! How can I help you today?"),
                    said -> List.of(new Action.SendMessage(said)));
        }
        return reply(language, "unknown", 0.4, entities,
                say(language, "Dạ, em đã nhận được tin nhắn. Bạn có thể nói rõ hơn để em hỗ trợ được không ạ?",
                        "Thanks for your message. Could you tell me a little more so I can help?"),
                said -> List.of(new Action.SendMessage(said)));
    }

    private static AiReply reply(Language language, String intent, double confidence, Map<String, String> entities,
                                 String text, java.util.function.Function<String, List<Action>> actions) {
        Map<String, String> withLanguage = new LinkedHashMap<>(entities);
        withLanguage.put("language", language == Language.VIETNAMESE ? "vi" : "en");
        return new AiReply(text, intent, confidence, withLanguage, MODEL, Duration.ZERO, actions.apply(text));
    }

    private static Language languageOf(String text) {
        return VIETNAMESE_LETTERS.matcher(text).find() || VIETNAMESE_WORDS.matcher(text).find()
                ? Language.VIETNAMESE : Language.ENGLISH;
    }

    private static Map<String, String> entities(String text) {
        Map<String, String> entities = new LinkedHashMap<>();
        Matcher phone = PHONE.matcher(text);
        if (phone.find()) {
            entities.put("phone", phone.group());
        }
        Matcher day = DAY.matcher(text);
        if (day.find()) {
            entities.put("day", day.group(1).toLowerCase(Locale.ROOT));
        }
        return entities;
    }

    private static <T> T say(Language language, T vietnamese, T english) {
        return language == Language.VIETNAMESE ? vietnamese : english;
    }

    /** Whole words or phrases: "hi" must not match "this". */
    private static Pattern words(String... phrases) {
        String alternatives = java.util.Arrays.stream(phrases).map(Pattern::quote).collect(Collectors.joining("|"));
        return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])", FLAGS);
    }
}
