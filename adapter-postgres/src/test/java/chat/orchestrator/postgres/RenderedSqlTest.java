package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.CONVERSATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
