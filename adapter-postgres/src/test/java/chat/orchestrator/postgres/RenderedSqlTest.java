package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.postgres.schema.tables.records.ConversationsRecord;
import java.time.Instant;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** The names given with a statement rendered once are the order its values bind in: a slip is refused at load. */
class RenderedSqlTest {
    private static final Query RAISE = DSL.update(CONVERSATIONS)
            .set(CONVERSATIONS.MAX_FENCING_TOKEN, DSL.param("token", CONVERSATIONS.MAX_FENCING_TOKEN))
            .set(CONVERSATIONS.TOTAL_MESSAGES, CONVERSATIONS.TOTAL_MESSAGES.plus(DSL.inline(1L)))
            .where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID)));

    @Test
    void theParametersNamedInTheirOrderRenderOnePlaceholderEach_inlineValuesStayInTheSql() {
        String sql = RenderedSql.of(RAISE, "token", "id").toString();

        assertEquals(2, sql.chars().filter(c -> c == '?').count(), sql);
        assertTrue(sql.contains("+ 1"), sql);
    }

    @Test
    void namesInAnotherOrderOrMissingOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RenderedSql.of(RAISE, "id", "token"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> RenderedSql.of(RAISE, "token"));
        assertTrue(missing.getMessage().contains("update"), missing.getMessage());
    }

    @Test
    void aValueBoundWithoutANameIsRefused() {
        Query unnamed = DSL.update(CONVERSATIONS).set(CONVERSATIONS.TOTAL_MESSAGES, 1L)
                .where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID)));

        assertThrows(IllegalArgumentException.class, () -> RenderedSql.of(unnamed, "id"));
    }

    @Test
    void recordsAreReadByTheTablesColumns_andAQueryWithTheColumnsInAnotherOrderIsRefused() {
        try (TestDatabase database = TestDatabase.migrated()) {
            database.sql().insertInto(CONVERSATIONS, CONVERSATIONS.ID, CONVERSATIONS.LAST_MESSAGE_ID,
                    CONVERSATIONS.LAST_MESSAGE_TIMESTAMP, CONVERSATIONS.TOTAL_MESSAGES)
                    .values("c1", "m1", Instant.parse("2026-11-29T10:00:00Z"), 3L).execute();
            RenderedSql all = RenderedSql.of(DSL.selectFrom(CONVERSATIONS)
                    .where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID))), "id");
            RenderedSql swapped = RenderedSql.of(DSL.select(CONVERSATIONS.LAST_MESSAGE_ID, CONVERSATIONS.ID)
                    .from(CONVERSATIONS).where(CONVERSATIONS.ID.eq(DSL.param("id", CONVERSATIONS.ID))), "id");

            ConversationsRecord row = all.fetchInto(database.sql(), CONVERSATIONS, "c1").getFirst();
            assertEquals("m1", row.getLastMessageId());
            assertEquals(3L, row.getTotalMessages());
            assertEquals(Instant.parse("2026-11-29T10:00:00Z"), row.getLastMessageTimestamp());
            assertThrows(IllegalStateException.class, () -> swapped.fetchInto(database.sql(), CONVERSATIONS, "c1"));
        }
    }
}
