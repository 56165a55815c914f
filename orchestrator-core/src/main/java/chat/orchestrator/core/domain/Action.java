package chat.orchestrator.core.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One structured action extracted from an AI answer. Each variant validates itself; {@link #data()} is the
 * JSON-ready form every adapter stores and sends, and {@link #fromData} is its inverse.
 */
public sealed interface Action {
    int MAX_TEXT = 4_000;

    ActionType type();

    /** JSON-ready payload: values are strings, lists and maps of strings only. */
    Map<String, Object> data();

    /** The text a customer would read for this action, for platforms that only take text. */
    String asText();

    /** Rebuilds an action from its payload, as stored or as an AI service returned it. */
    static Action fromData(ActionType type, Map<String, ?> data) {
        ActionData d = new ActionData(type, data == null ? Map.of() : data);
        return switch (type) {
            case SEND_MESSAGE -> new SendMessage(d.text("message"));
            case SEND_QUICK_REPLIES -> new SendQuickReplies(d.text("message"), d.strings("options"));
            case SEND_CAROUSEL -> new SendCarousel(d.maps("cards").stream().map(Card::fromData).toList());
            case TRANSFER_TO_AGENT -> new TransferToAgent(d.optionalText("reason"), d.optionalText("message"));
            case COLLECT_INFO -> new CollectInfo(d.text("message"), d.strings("fields"));
            case EXECUTE_API -> new ExecuteApi(d.text("name"), d.stringMap("params"));
            case END_CONVERSATION -> new EndConversation(d.optionalText("message"));
        };
    }

    /** A plain text reply. */
    record SendMessage(String message) implements Action {
        public SendMessage {
            message = ActionData.requireText(message, "send_message.message");
        }

        public ActionType type() {
            return ActionType.SEND_MESSAGE;
        }

        public Map<String, Object> data() {
            return Map.of("message", message);
        }

        public String asText() {
            return message;
        }
    }

    /** A question with a few tappable answers. */
    record SendQuickReplies(String message, List<String> options) implements Action {
        public SendQuickReplies {
            message = ActionData.requireText(message, "send_quick_replies.message");
            options = ActionData.requireItems(options, 1, 13, "send_quick_replies.options");
            options.forEach(o -> ActionData.requireText(o, "send_quick_replies.options[]"));
        }

        public ActionType type() {
            return ActionType.SEND_QUICK_REPLIES;
        }

        public Map<String, Object> data() {
            return Map.of("message", message, "options", options);
        }

        public String asText() {
            StringBuilder text = new StringBuilder(message);
            for (int i = 0; i < options.size(); i++) {
                text.append('\n').append(i + 1).append(". ").append(options.get(i));
            }
            return text.toString();
        }
    }

    /** A row of cards, each with a title and optional subtitle, image and link. */
    record SendCarousel(List<Card> cards) implements Action {
        public SendCarousel {
            cards = ActionData.requireItems(cards, 1, 10, "send_carousel.cards");
        }

        public ActionType type() {
            return ActionType.SEND_CAROUSEL;
        }

        public Map<String, Object> data() {
            return Map.of("cards", cards.stream().map(Card::data).toList());
        }

        public String asText() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < cards.size(); i++) {
                Card card = cards.get(i);
                if (i > 0) {
                    text.append('\n');
                }
                text.append(i + 1).append(". ").append(card.title());
                if (!card.subtitle().isEmpty()) {
                    text.append(" - ").append(card.subtitle());
                }
                if (!card.url().isEmpty()) {
                    text.append(' ').append(card.url());
                }
            }
            return text.toString();
        }
    }

    /** One carousel card; empty strings stand for absent optional fields. */
    record Card(String title, String subtitle, String imageUrl, String url) {
        public Card {
            title = ActionData.requireText(title, "send_carousel.cards[].title");
            subtitle = subtitle == null ? "" : subtitle;
            imageUrl = imageUrl == null ? "" : imageUrl;
            url = url == null ? "" : url;
        }

        static Card fromData(Map<String, ?> data) {
            ActionData d = new ActionData(ActionType.SEND_CAROUSEL, data);
            return new Card(d.text("title"), d.optionalText("subtitle"), d.optionalText("image_url"), d.optionalText("url"));
        }

        Map<String, Object> data() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("title", title);
            if (!subtitle.isEmpty()) {
                data.put("subtitle", subtitle);
            }
            if (!imageUrl.isEmpty()) {
                data.put("image_url", imageUrl);
            }
            if (!url.isEmpty()) {
                data.put("url", url);
            }
            return data;
        }
    }

    /** Hand the conversation to a human agent. */
    record TransferToAgent(String reason, String message) implements Action {
        public TransferToAgent {
            reason = reason == null ? "" : reason;
            message = message == null ? "" : message;
        }

        public ActionType type() {
            return ActionType.TRANSFER_TO_AGENT;
        }

        public Map<String, Object> data() {
            return Map.of("reason", reason, "message", message);
        }

        public String asText() {
            return message.isEmpty() ? "Một nhân viên sẽ hỗ trợ bạn ngay. / An agent will be with you shortly." : message;
        }
    }

    /** Ask the customer for named pieces of information (phone, name, date...). */
    record CollectInfo(String message, List<String> fields) implements Action {
        public CollectInfo {
            message = ActionData.requireText(message, "collect_info.message");
            fields = ActionData.requireItems(fields, 1, 20, "collect_info.fields");
        }

        public ActionType type() {
            return ActionType.COLLECT_INFO;
        }

        public Map<String, Object> data() {
            return Map.of("message", message, "fields", fields);
        }

        public String asText() {
            return message;
        }
    }

    /** Call a named business API (booking system, CRM) with string parameters. */
    record ExecuteApi(String name, Map<String, String> params) implements Action {
        public ExecuteApi {
            name = ActionData.requireText(name, "execute_api.name");
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        public ActionType type() {
            return ActionType.EXECUTE_API;
        }

        public Map<String, Object> data() {
            return Map.of("name", name, "params", params);
        }

        public String asText() {
            return "";
        }
    }

    /** Close the conversation, optionally with a goodbye. */
    record EndConversation(String message) implements Action {
        public EndConversation {
            message = message == null ? "" : message;
        }

        public ActionType type() {
            return ActionType.END_CONVERSATION;
        }

        public Map<String, Object> data() {
            return Map.of("message", message);
        }

        public String asText() {
            return message;
        }
    }
}
