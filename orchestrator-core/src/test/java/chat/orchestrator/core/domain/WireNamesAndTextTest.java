package chat.orchestrator.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The small domain values others read: wire names both ways, the text an action shows a customer, ids as text, and
 * the chat turn ids, which depend on every part of the turn.
 */
class WireNamesAndTextTest {

    @Test
    void senderTypes_readTheirWireNames_inAnyCase_andRefuseOthers() {
        for (SenderType type : SenderType.values()) {
            assertEquals(type, SenderType.parse(" " + type.wireName().toUpperCase() + " "));
        }
        assertEquals("agent", SenderType.AGENT.wireName());
        assertThrows(InvalidInputException.class, () -> SenderType.parse("robot"));
        assertThrows(InvalidInputException.class, () -> SenderType.parse(" "));
        assertThrows(InvalidInputException.class, () -> SenderType.parse(null));
    }

    @Test
    void actionTypes_areFoundByTheirWireName_only() {
        for (ActionType type : ActionType.values()) {
            assertEquals(Optional.of(type), ActionType.fromWireName(type.wireName()));
        }
        assertEquals(Optional.empty(), ActionType.fromWireName("send_fax"));
        assertEquals(ActionType.values().length, ActionType.wireNames().size());
    }

    @Test
    void actions_showTheirMessage_andATransferWithoutOneShowsTheStandardLine() {
        assertEquals("Xin chào", new Action.SendMessage("Xin chào").asText());
        assertEquals("Cho em xin số điện thoại ạ",
                new Action.CollectInfo("Cho em xin số điện thoại ạ", List.of("phone")).asText());
        assertEquals("Tạm biệt", new Action.EndConversation("Tạm biệt").asText());
        assertEquals("", new Action.EndConversation(null).asText());
        assertEquals("Chờ em một chút", new Action.TransferToAgent("billing", "Chờ em một chút").asText());
        assertTrue(new Action.TransferToAgent(null, null).asText().contains("An agent will be with you shortly"));
        assertEquals("", new Action.TransferToAgent(null, "").reason());
    }

    @Test
    void ids_printAsTheirValue() {
        assertEquals("m1", MessageId.of("m1").toString());
        assertEquals("conv_1", ConversationId.of("conv_1").toString());
    }

    @Test
    void chatTurnIds_areStable_andDependOnConversationTurnAndText() {
        ConversationId conversation = ConversationId.of("conv_1");
        MessageId id = ChatTurnIds.of(conversation, 0, "hello");

        assertEquals(id, ChatTurnIds.of(conversation, 0, "hello"));
        assertTrue(id.value().startsWith("turn_"));
        assertNotEquals(id, ChatTurnIds.of(ConversationId.of("conv_2"), 0, "hello"));
        assertNotEquals(id, ChatTurnIds.of(conversation, 1, "hello"));
        assertNotEquals(id, ChatTurnIds.of(conversation, 0, "hello!"));
    }
}
