package chat.orchestrator.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ActionTest {

    static Stream<Action> everyKind() {
        return Stream.of(
                new Action.SendMessage("Dạ còn ạ 🙏"),
                new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00")),
                new Action.SendCarousel(List.of(new Action.Card("Khám tổng quát", "500.000đ", "https://x/img.png", "https://x/a"),
                        new Action.Card("Khám răng", "", "", ""))),
                new Action.TransferToAgent("complex case", "Em chuyển cho nhân viên ạ"),
                new Action.CollectInfo("Cho em xin số điện thoại", List.of("phone")),
                new Action.ExecuteApi("create_booking", Map.of("day", "thứ Hai")),
                new Action.EndConversation("Cảm ơn chị!"));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyActionSurvivesItsOwnDataForm(Action action) {
        assertEquals(action, Action.fromData(action.type(), action.data()));
    }

    @Test
    void everyTypeHasAWireNameAndIsCovered() {
        assertEquals(ActionType.values().length, everyKind().map(Action::type).distinct().count());
        assertEquals(List.of("send_message", "send_quick_replies", "send_carousel", "transfer_to_agent", "collect_info",
                "execute_api", "end_conversation"), ActionType.wireNames());
    }

    static Stream<Arguments> badData() {
        return Stream.of(
                Arguments.of(ActionType.SEND_MESSAGE, Map.of(), "send_message.message"),
                Arguments.of(ActionType.SEND_MESSAGE, Map.of("message", " "), "send_message.message"),
                Arguments.of(ActionType.SEND_MESSAGE, Map.of("message", List.of("a")), "send_message.message"),
                Arguments.of(ActionType.SEND_QUICK_REPLIES, Map.of("message", "?", "options", List.of()), "send_quick_replies.options"),
                Arguments.of(ActionType.SEND_QUICK_REPLIES, Map.of("message", "?", "options", "8:00"), "send_quick_replies.options"),
                Arguments.of(ActionType.SEND_CAROUSEL, Map.of("cards", List.of("not a card")), "send_carousel.cards"),
                Arguments.of(ActionType.SEND_CAROUSEL, Map.of("cards", List.of(Map.of("subtitle", "no title"))), "send_carousel.title"),
                Arguments.of(ActionType.COLLECT_INFO, Map.of("message", "?"), "collect_info.fields"),
                Arguments.of(ActionType.EXECUTE_API, Map.of("params", Map.of()), "execute_api.name"),
                Arguments.of(ActionType.SEND_MESSAGE, Map.of("message", "x".repeat(Action.MAX_TEXT + 1)), "send_message.message"));
    }

    @ParameterizedTest
    @MethodSource("badData")
    void badDataIsRefusedNamingTheField(ActionType type, Map<String, ?> data, String field) {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> Action.fromData(type, data));

        assertEquals(field, error.field());
    }

    @Test
    void quickRepliesAndCarouselsReadAsNumberedText() {
        assertEquals("Giờ nào ạ?\n1. 8:00\n2. 10:00", new Action.SendQuickReplies("Giờ nào ạ?", List.of("8:00", "10:00")).asText());
        assertEquals("1. A - a https://a\n2. B", new Action.SendCarousel(List.of(
                new Action.Card("A", "a", "", "https://a"), new Action.Card("B", "", "", ""))).asText());
    }
}
