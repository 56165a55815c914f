package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.postgres.TestRuns.run;
import static chat.orchestrator.postgres.schema.Tables.AI_RUNS;
import static chat.orchestrator.postgres.schema.Tables.MESSAGES;
import static chat.orchestrator.postgres.schema.Tables.MESSAGE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.domain.Turn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.Record2;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Text goes in and comes out byte for byte, whatever it holds: Vietnamese, emoji, quotes, SQL, JSON, escapes. */
class ByteExactStorageTest {
    /** Precomposed and combining Vietnamese, an emoji family (ZWJ sequence), quotes, SQL and JSON look-alikes. */
    private static final String TRICKY = "Dạ, phòng khám Ạn Tâm xin chào 🙏👨‍👩‍👧 \"8 giờ\" 'sáng' `thứ Hai`"
            + " '; DROP TABLE messages; -- /* */ $$ \\n \\\" {\"a\": [1, \"b\"]} ${x} :name ? %s %% é̂ ệ \u2028 end";

    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history = new PostgresHistory(database.pool());

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void contentMetadataEntitiesAndActionPayloadsComeBackByteForByte() {
        ConversationId conversation = ConversationId.of("conv_'; DROP TABLE conversations; -- ₫ 🙂");
        InboundMessage message = new InboundMessage(MessageId.of("msg_\"quoted\" ' ₫"), conversation, TRICKY,
                "user_Nguyễn_Văn_Ánh", SenderType.USER, BASE,
                Map.of("platform", "zalo", "note", TRICKY, "nested_json", "{\"x\": \"ổ\", \"y\": [\"🙏\"]}",
                        "' OR '1'='1", "key with quote"));
        AiReply reply = new AiReply(TRICKY, "đặt_lịch", 0.875, Map.of("tên", TRICKY, "giờ", "8:00"), "qwen2.5-7b",
                Duration.ofMillis(987), List.of(
                new Action.SendMessage(TRICKY),
                new Action.SendQuickReplies("Chị chọn giờ nào ạ? 🕗", List.of("8:00 \"sáng\"", TRICKY)),
                new Action.SendCarousel(List.of(new Action.Card("Khám tổng quát", "500.000₫", "https://example.com/ả.png",
                        "https://example.com/?q=khám&x=' OR 1=1"))),
                new Action.CollectInfo("Cho em xin số điện thoại ạ", List.of("phone", "tên đầy đủ")),
                new Action.ExecuteApi("create_booking", Map.of("ghi chú", TRICKY)),
                new Action.EndConversation("Cảm ơn chị 💐")));

        history.record(message);
        history.recordAnswer(run(conversation, 1, reply, message), BASE);

        Record2<String, JSONB> row = database.sql().select(MESSAGES.CONTENT, MESSAGES.METADATA).from(MESSAGES)
                .fetchSingle();
        assertArrayEquals(TRICKY.getBytes(StandardCharsets.UTF_8), row.value1().getBytes(StandardCharsets.UTF_8));
        assertEquals(message.metadata(), Json.stringMap(row.value2()));
        assertEquals(message.id().value(), database.sql().select(MESSAGES.MESSAGE_ID).from(MESSAGES)
                .fetchSingle(MESSAGES.MESSAGE_ID));
        assertEquals(reply.entities(), Json.stringMap(database.sql().select(AI_RUNS.ENTITIES).from(AI_RUNS)
                .fetchSingle(AI_RUNS.ENTITIES)));
        assertEquals(reply.actions().stream().map(Action::data).toList(), database.sql()
                .select(MESSAGE_ACTIONS.PAYLOAD).from(MESSAGE_ACTIONS).orderBy(MESSAGE_ACTIONS.ACTION_INDEX)
                .fetch(r -> Json.objectMap(r.value1())));

        assertEquals(reply, history.answerFor(conversation, message.id()).orElseThrow());
        assertEquals(List.of(new Turn(Turn.Role.CUSTOMER, TRICKY, BASE), new Turn(Turn.Role.BOT, TRICKY,
                BASE.plusSeconds(60))), history.recentTurns(conversation, 10));
    }
}
