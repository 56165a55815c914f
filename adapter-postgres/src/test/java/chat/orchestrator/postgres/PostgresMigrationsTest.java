package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.postgres.schema.DefaultSchema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.jooq.Field;
import org.jooq.Index;
import org.jooq.Meta;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Migrations bring an empty database to the schema, leave a current one alone, and match the generated types. */
class PostgresMigrationsTest {
    private final TestDatabase database = TestDatabase.empty();

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void migratingTwiceAppliesNothingTheSecondTime() {
        PostgresMigrations.Result first = PostgresMigrations.migrate(database.pool());
        Map<String, Set<String>> schemaAfterFirst = liveColumns();

        PostgresMigrations.Result second = PostgresMigrations.migrate(database.pool());

        assertEquals(new PostgresMigrations.Result(8, "8"), first);
        assertEquals(new PostgresMigrations.Result(0, "8"), second);
        assertEquals(schemaAfterFirst, liveColumns());
        assertEquals(8, database.sql().fetchCount(DSL.table(DSL.name("flyway_schema_history"))));
    }

    @Test
    void theSchemaHasTheIndexesOfTheListingStuckWorkOutboxAndAnalyticsQueries_andNoneThatNothingReads() {
        PostgresMigrations.migrate(database.pool());

        Set<String> live = indexNames();

        assertTrue(live.containsAll(Set.of("conversations_last_message_idx", "messages_unanswered_idx",
                "message_actions_created_type_idx", "ai_runs_conversation_idx", "deliveries_due_idx",
                "deliveries_conversation_pending_idx", "deliveries_undeliverable_idx", "messages_created_idx",
                "ai_runs_finished_idx")), live.toString());
        assertTrue(live.stream().noneMatch(Set.of("messages_unanswered_age_idx", "message_actions_due_idx",
                "ai_runs_undelivered_idx")::contains), "V4 dropped the indexes of the reads it replaced: " + live);
    }

    @Test
    void aDatabaseAtVersionOneWithMessagesIsUpgradedAndKeepsThem() {
        // The oldest schema a production database can have: migrate only that far, as the first release did.
        Flyway.configure().dataSource(database.pool()).locations(PostgresMigrations.LOCATION).target("1").load()
                .migrate();
        PostgresHistory history = new PostgresHistory(database.pool());
        ConversationId conversation = newConversation();
        InboundMessage waiting = message(conversation, "waiting", 0, "Còn lịch sáng thứ Hai không?");
        history.record(waiting);

        assertEquals(new PostgresMigrations.Result(7, "8"), PostgresMigrations.migrate(database.pool()));

        assertTrue(indexNames().containsAll(Set.of("messages_unanswered_idx", "deliveries_due_idx")));
        assertEquals(List.of(conversation), history.conversationsWithUnanswered(
                Instant.parse("2100-01-01T00:00:00Z"), Optional.empty(), 10));
        assertEquals(List.of(waiting), history.unanswered(conversation, 10));
    }

    @Test
    void anInstanceStartingOnAMigratedDatabaseChangesNothing() {
        PostgresMigrations.migrate(database.pool());

        try (PostgresStorage storage = PostgresStorage.start(database.settings())) {
            assertEquals(new PostgresMigrations.Result(0, "8"), storage.migration());
            assertEquals(BotProfile.DEFAULT, storage.botProfiles().current());
            assertTrue(storage.health().reachable());
            assertEquals(database.settings().poolSize(), storage.poolFigures().maximumPoolSize());
        }
    }

    @Test
    void theGeneratedTypesMatchTheMigratedSchema() {
        PostgresMigrations.migrate(database.pool());

        Map<String, Set<String>> generated = DefaultSchema.DEFAULT_SCHEMA.getTables().stream()
                .collect(Collectors.toMap(Table::getName, PostgresMigrationsTest::columnsWithTypes));
        Map<String, Set<String>> live = liveColumns();
        live.remove("flyway_schema_history");

        assertEquals(generated, live);
    }

    private Set<String> indexNames() {
        return database.sql().meta().getSchemas("public").getFirst().getTables().stream()
                .flatMap(table -> table.getIndexes().stream()).map(Index::getName)
                .collect(Collectors.toSet());
    }

    /** Tables of the public schema with "column type" strings, as PostgreSQL reports them. */
    private Map<String, Set<String>> liveColumns() {
        Meta meta = database.sql().meta();
        return meta.getSchemas("public").getFirst().getTables().stream()
                .collect(Collectors.toMap(Table::getName, PostgresMigrationsTest::columnsWithTypes));
    }

    private static Set<String> columnsWithTypes(Table<?> table) {
        return List.of(table.fields()).stream()
                .map(field -> field.getName() + " " + typeName(field) + (field.getDataType().nullable() ? "" : " not null"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The generated side names a type by its Java mapping (Instant), the live side by PostgreSQL's name. */
    private static String typeName(Field<?> field) {
        String name = field.getDataType().getTypeName();
        return switch (name) {
            case "instant" -> "timestamp with time zone";
            case "double" -> "float";
            default -> name;
        };
    }
}
