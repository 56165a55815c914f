package chat.orchestrator.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundMessageTest {
    private static final Instant AT = Instant.parse("2026-11-25T09:41:27Z");

    private static InboundMessage with(String content, String senderId, Instant at) {
        return new InboundMessage(MessageId.of("m1"), ConversationId.of("c1"), content, senderId, SenderType.USER, at, Map.of());
    }

    @Test
    void aMessageValidatesItsFieldsByName() {
        assertEquals("message_content", assertThrows(InvalidInputException.class, () -> with(" ", "u", AT)).field());
        assertEquals("sender_id", assertThrows(InvalidInputException.class, () -> with("hi", "", AT)).field());
        assertEquals("timestamp", assertThrows(InvalidInputException.class, () -> with("hi", "u", null)).field());
        assertEquals("timestamp", assertThrows(InvalidInputException.class,
                () -> with("hi", "u", Instant.parse("2200-01-01T00:00:00Z"))).field());
        assertEquals("message_id", assertThrows(InvalidInputException.class, () -> MessageId.of("a\u0000b")).field());
        assertEquals("conversation_id", assertThrows(InvalidInputException.class, () -> ConversationId.of("c".repeat(257))).field());
        assertEquals("sender_type", assertThrows(InvalidInputException.class, () -> SenderType.parse("robot")).field());
    }

    @Test
    void aContextOrdersItsBurstByTimestampThenId() {
        ConversationId c = ConversationId.of("c1");
        InboundMessage late = new InboundMessage(MessageId.of("a"), c, "late", "u", SenderType.USER, AT.plusSeconds(5), Map.of());
        InboundMessage tieB = new InboundMessage(MessageId.of("b"), c, "tie b", "u", SenderType.USER, AT, Map.of());
        InboundMessage tieA = new InboundMessage(MessageId.of("a0"), c, "tie a", "u", SenderType.USER, AT, Map.of());

        ConversationContext context = new ConversationContext(c, List.of(), List.of(late, tieB, tieA));

        assertEquals(List.of(tieA, tieB, late), context.burst());
    }

    @Test
    void aTextOnlyAnswerBecomesOneSendMessage() {
        AiReply reply = new AiReply("Xin chào!", null, 0.5, null, null, null, List.of());

        assertEquals(List.of(new Action.SendMessage("Xin chào!")), reply.actions());
        assertEquals("unknown", reply.intent());
        assertEquals(Duration.ZERO, reply.processingTime());
        assertThrows(InvalidInputException.class, () -> new AiReply("x", "i", 1.5, Map.of(), "m", Duration.ZERO, List.of()));
    }

    @Test
    void chatTurnIdsAreStableAndDistinguishPositionAndText() {
        ConversationId c = ConversationId.of("c1");

        assertEquals(ChatTurnIds.of(c, 2, "Hello"), ChatTurnIds.of(c, 2, "Hello"));
        assertEquals(false, ChatTurnIds.of(c, 2, "Hello").equals(ChatTurnIds.of(c, 3, "Hello")));
        assertEquals(false, ChatTurnIds.of(c, 2, "Hello").equals(ChatTurnIds.of(ConversationId.of("c2"), 2, "Hello")));
    }
}
