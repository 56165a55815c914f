package chat.orchestrator.core.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The seven things the bot can ask Pancake to do, by their wire names. */
public enum ActionType {
    SEND_MESSAGE("send_message"),
    SEND_QUICK_REPLIES("send_quick_replies"),
    SEND_CAROUSEL("send_carousel"),
    TRANSFER_TO_AGENT("transfer_to_agent"),
    COLLECT_INFO("collect_info"),
    EXECUTE_API("execute_api"),
    END_CONVERSATION("end_conversation");

    private final String wireName;

    ActionType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ActionType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ActionType::wireName).toList();
    }
}
