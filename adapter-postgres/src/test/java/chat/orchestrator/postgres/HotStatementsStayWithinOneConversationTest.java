package chat.orchestrator.postgres;

import static chat.orchestrator.core.contract.TestMessages.BASE;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.OutboxPort.Recorded;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.postgres.StatementPlans.Statement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What keeps docs/scaling.md's plan past one PostgreSQL primary true: partitioned by conversation (Citus with
 * {@code conversation_id} as the distribution column, or one database per tenant), a statement goes to one shard only
 * when every table it touches is pinned to one conversation by the statement itself. So a message goes through the
 * adapter's per-message calls, in the order the worker makes them, and every statement PostgreSQL ran for each call is
 * captured with its plan ({@link StatementPlans}: the server's auto_explain, so the list is what the code sends, not
 * what someone wrote down). Each table a plan scans must be scanned under an equality on its conversation column
 * ({@code conversations.id}, elsewhere {@code conversation_id}), and each insert must list that column.
 * <p>
 * What the dispatcher and the sweeper run spans conversations on purpose and is off the per-message path: those
 * statements are listed in {@link #CROSS_CONVERSATION}, each with why. Every statement of the per-message path must pass,
 * none is excused: those that find a conversation's rows by a run id name the conversation too (in the condition, or in
 * the join). A per-message statement that breaks the rule fails the test, and so does a background one not listed, or a
 * listed one that no longer breaks it, so the list only shrinks.
 */
class HotStatementsStayWithinOneConversationTest {
    private static final Duration CLAIM = Duration.ofMinutes(1);
    private static final Instant NOW = BASE.plus(Duration.ofHours(1));

    /**
     * Spans conversations on purpose, and runs once per dispatcher round or sweep, never per message. A partitioned
     * deployment runs these on every shard (Citus fans a statement that names no conversation out to all of them), or
     * once per tenant database: docs/scaling.md.
     */
    private static final List<Known> CROSS_CONVERSATION = List.of(
            new Known("select deliveries.run_id from deliveries where (deliveries.status = 'pending' and "
                    + "deliveries.next_attempt_at <=", "deliveries",
                    "the dispatcher's round: the due head of every conversation, oldest due first"),
            new Known("update deliveries set status = 'withheld'", "deliveries",
                    "the dispatcher's round: the heads it locked, of several conversations, withheld if handed off"),
            new Known("update deliveries set status = 'withheld'", "conversations",
                    "the dispatcher's round: whether the conversation of each head it locked is handed off"),
            new Known("update deliveries set status = 'withheld'", "message_actions",
                    "the dispatcher's round: whether each head it locked carries a transfer"),
            new Known("update deliveries set claim_token = gen_random_uuid()", "deliveries",
                    "the dispatcher's round: the claim of the heads it locked"),
            new Known("from ai_runs where ai_runs.id = any", "ai_runs",
                    "the dispatcher's round: the runs of the answers it claimed"),
            new Known("from message_actions where message_actions.run_id = any", "message_actions",
                    "the dispatcher's round: the actions of the answers it claimed"),
            new Known("select distinct messages.conversation_id from messages", "messages",
                    "the sweep: conversations with a message unanswered since before a time, a page in id order"));

    private final TestDatabase database = TestDatabase.migrated();
    private final PostgresHistory history;
    private final PostgresOutbox outbox;
    private final Map<String, List<Statement>> perMessage = new LinkedHashMap<>();
    private final Map<String, List<Statement>> background = new LinkedHashMap<>();
    private int messages;

    HotStatementsStayWithinOneConversationTest() {
        StatementPlans.enable(database);
        history = new PostgresHistory(database.pool());
        outbox = new PostgresOutbox(database.pool());
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void everyStatementAMessageCostsNamesItsConversation() {
        ConversationId conversation = newConversation();

        // One message as measured in docs/performance.md: four round trips, sync and webhook alike.
        InboundMessage first = next(conversation);
        assertEquals(RecordOutcome.NEW, perMessage("record: a new message", () -> history.record(first)));
        FenceRaised fence = perMessage("raiseFence: the pass's fence and its reads",
                () -> history.raiseFence(conversation, new FencingToken(1), reads(first)));
        assertEquals(FencedWrite.committed(), fence.write());
        AiRun answer = run(conversation, 1, reply("Dạ còn ạ"), first);
        CommittedAnswer committed = perMessage("commitAnswer: the answer, claimed for its holder",
                () -> history.commitAnswer(answer, NOW, Optional.of(CLAIM)));
        ClaimedDelivery own = committed.claim().orElseThrow();
        assertEquals(Recorded.RECORDED, perMessage("recordAttempt: delivered",
                () -> outbox.recordAttempt(own, delivered(own))));

        // What else a message may cost: Pancake sending it twice, a job's status, the pass's read past its limit.
        assertEquals(RecordOutcome.ANSWERED, perMessage("record: a message already answered",
                () -> history.record(first)));
        assertTrue(perMessage("answerFor: the answer a duplicate is told",
                () -> history.answerFor(conversation, first.id())).isPresent());
        assertEquals(Set.of(first.id()), perMessage("answeredAmong: a job's status",
                () -> history.answeredAmong(conversation, Set.of(first.id()))));
        assertTrue(perMessage("unanswered: the pass's read past the fence's limit",
                () -> history.unanswered(conversation, 20)).isEmpty());

        // A newer message made the answer stale: it is recorded as discarded.
        InboundMessage second = next(conversation);
        history.record(second);
        history.raiseFence(conversation, new FencingToken(2), reads(second));
        assertEquals(FencedWrite.committed(), perMessage("recordDiscarded: a stale answer",
                () -> history.recordDiscarded(run(conversation, 2, reply("Dạ"), second))));

        // An older answer still waits (its holder stopped before sending it): the holder sends that one first.
        AiRun older = run(conversation, 2, reply("Dạ vâng"), second);
        history.recordAnswer(older, NOW);
        InboundMessage third = next(conversation);
        history.record(third);
        history.raiseFence(conversation, new FencingToken(3), reads(third));
        AiRun behind = run(conversation, 3, reply("Dạ có ạ"), third);
        assertTrue(perMessage("commitAnswer: behind an older answer, so not claimed",
                () -> history.commitAnswer(behind, NOW, Optional.of(CLAIM))).claim().isEmpty());
        ClaimedDelivery olderClaim = perMessage("claimNext: the holder claims the older answer first",
                () -> outbox.claimNext(conversation, CLAIM)).orElseThrow();
        assertEquals(older.id(), olderClaim.runId());
        assertTrue(perMessage("renew: a long send keeps its claim", () -> outbox.renew(olderClaim, CLAIM)));
        outbox.recordAttempt(olderClaim, delivered(olderClaim));
        ClaimedDelivery behindClaim = outbox.claimNext(conversation, CLAIM).orElseThrow();
        assertEquals(Recorded.RECORDED, perMessage("recordAttempt: a dead letter",
                () -> outbox.recordAttempt(behindClaim, ended(behindClaim, DeliveryState.DEAD_LETTER))));

        // The AI hands the conversation to people, but Pancake refuses the transfer: the hand-off is lifted.
        InboundMessage fourth = next(conversation);
        history.record(fourth);
        history.raiseFence(conversation, new FencingToken(4), reads(fourth));
        AiReply transferReply = new AiReply("Em chuyển chị sang nhân viên ạ", "handoff", 0.9, Map.of(), "test-model",
                Duration.ofMillis(42), List.of(new Action.TransferToAgent("wants a person", "")));
        AiRun transfer = run(conversation, 4, transferReply, fourth);
        ClaimedDelivery transferClaim = history.commitAnswer(transfer, NOW, Optional.of(CLAIM)).claim().orElseThrow();
        assertEquals(Recorded.HANDOFF_LIFTED, perMessage("recordAttempt: a transfer rejected, its hand-off lifted",
                () -> outbox.recordAttempt(transferClaim, ended(transferClaim, DeliveryState.REJECTED))));

        // People have the conversation (an operator took it): the burst is theirs, not the AI's.
        history.handOff(conversation, new Handoff(NOW, Handoff.By.ADMIN, "operator", NOW));
        InboundMessage fifth = next(conversation);
        history.record(fifth);
        history.raiseFence(conversation, new FencingToken(5), reads(fifth));
        assertEquals(FencedWrite.committed(), perMessage("recordHandedOff: a burst while people have it",
                () -> history.recordHandedOff(conversation, new FencingToken(5), Set.of(fifth.id()), NOW)));

        // The dispatcher and the sweeper, over other conversations: answers due, and a message nobody holds.
        for (int i = 0; i < 3; i++) {
            ConversationId other = newConversation();
            InboundMessage asked = next(other);
            history.record(asked);
            history.recordAnswer(run(other, 1, reply("Dạ"), asked), NOW);
        }
        history.record(next(newConversation()));
        assertEquals(3, background("claimDue: the dispatcher's round", () -> outbox.claimDue(CLAIM, 10)).size());
        assertFalse(background("conversationsWithUnanswered: the sweeper's page",
                () -> history.conversationsWithUnanswered(Instant.now().plusSeconds(60), Optional.empty(), 10))
                .isEmpty());

        report();
        assertWithin(perMessage, List.of(), "the per-message path");
        assertWithin(background, CROSS_CONVERSATION, "the dispatcher and the sweeper");
    }

    /**
     * The check can fail: statements run on the same database, captured the same way, each missing its conversation
     * somewhere the check must see.
     */
    @Test
    void theCheckCatchesAStatementThatDoesNotNameItsConversation() {
        ConversationId conversation = newConversation();
        InboundMessage asked = next(conversation);
        history.record(asked);
        history.recordAnswer(run(conversation, 1, reply("Dạ"), asked), NOW);
        String id = conversation.value();

        assertEquals(List.of("messages"), tablesFlagged(
                "select content from messages where message_id = '" + asked.id().value() + "'"));
        assertEquals(List.of(), tablesFlagged(
                "select content from messages where conversation_id = '" + id + "' and message_id = 'm1'"));
        assertEquals(List.of("deliveries"), tablesFlagged("select messages.content from messages join deliveries"
                + " on deliveries.run_id = messages.answered_by where messages.conversation_id = '" + id + "'"),
                "a join by run id leaves the joined table unpinned, though the other one is");
        assertEquals(List.of(), tablesFlagged("select messages.content from messages join deliveries"
                + " on deliveries.run_id = messages.answered_by"
                + " and deliveries.conversation_id = messages.conversation_id"
                + " where messages.conversation_id = '" + id + "'"));
        assertEquals(List.of("deliveries"), tablesFlagged(
                "update deliveries set attempts = attempts where run_id = gen_random_uuid()"));
        assertEquals(List.of("conversations"), tablesFlagged(
                "select id from conversations where id = any(array['" + id + "', 'other'])"),
                "a list of conversations is not one");
        assertEquals(List.of("bot_configuration"), tablesFlagged("select id from bot_configuration"),
                "a table not partitioned by conversation");

        assertEquals(List.of("message_actions"), ConversationScope.violations(textOnly(
                "insert into message_actions (id, run_id, action_index) values ($1, $2, 0)")).stream()
                .map(Violation::table).toList());
        assertEquals(List.of("deliveries"), ConversationScope.violations(textOnly(
                "insert into deliveries select * from deliveries_backup")).stream().map(Violation::table).toList(),
                "an insert without a column list says nothing of its conversation");
        assertEquals(List.of(), ConversationScope.violations(textOnly(
                "insert into \"messages\" (\"id\", \"conversation_id\") values ($1, $2)")));
    }

    /** Runs {@code sql} on the captured database; the tables the check flags in what PostgreSQL ran. */
    private List<String> tablesFlagged(String sql) {
        long mark = StatementPlans.mark();
        database.sql().execute(sql);
        List<Statement> ran = StatementPlans.since(mark);
        assertEquals(1, ran.size(), () -> "one statement captured for " + sql + ": " + ran);
        return ConversationScope.violations(ran.getFirst()).stream().map(Violation::table).toList();
    }

    private static Statement textOnly(String sql) {
        return new Statement(sql, JsonNodeFactory.instance.objectNode());
    }

    private <T> T perMessage(String call, Supplier<T> work) {
        return captured(perMessage, call, work);
    }

    private <T> T background(String call, Supplier<T> work) {
        return captured(background, call, work);
    }

    private static <T> T captured(Map<String, List<Statement>> into, String call, Supplier<T> work) {
        long mark = StatementPlans.mark();
        T result = work.get();
        List<Statement> ran = StatementPlans.since(mark);
        assertFalse(ran.isEmpty(), () -> call + ": no statement captured, so nothing would be checked");
        into.put(call, ran);
        return result;
    }

    /** Every violation is a known one, and every known one still happens. */
    private static void assertWithin(Map<String, List<Statement>> calls, List<Known> known, String where) {
        List<String> unknown = new ArrayList<>();
        Set<Known> seen = new HashSet<>();
        calls.forEach((call, statements) -> statements.forEach(statement -> {
            for (Violation violation : ConversationScope.violations(statement)) {
                Optional<Known> match = known.stream().filter(k -> k.matches(violation)).findFirst();
                match.ifPresentOrElse(seen::add, () -> unknown.add(call + ": " + violation));
            }
        }));
        if (!unknown.isEmpty()) {
            fail("on " + where + ", statements that do not name their conversation (docs/scaling.md):\n  "
                    + String.join("\n  ", unknown));
        }
        List<Known> stale = known.stream().filter(k -> !seen.contains(k)).toList();
        assertEquals(List.of(), stale, "listed for " + where + " but no longer seen: take them off the list");
    }

    /** The statements of each call and what the check found, for docs/scaling.md and the review. */
    private void report() {
        System.out.println("== statements per call (auto_explain), and the tables not pinned to one conversation ==");
        Map<String, Map<String, List<Statement>>> all = new LinkedHashMap<>();
        all.put("per message", perMessage);
        all.put("background", background);
        all.forEach((kind, calls) -> calls.forEach((call, statements) -> {
            System.out.println(kind + " | " + call);
            for (Statement statement : statements) {
                List<Violation> violations = ConversationScope.violations(statement);
                System.out.println("    " + statement.shortText());
                System.out.println("        " + (violations.isEmpty() ? "one conversation"
                        : violations.stream().map(Violation::describe).collect(Collectors.joining("; "))));
            }
        }));
    }

    private InboundMessage next(ConversationId conversation) {
        messages++;
        return message(conversation, "m" + messages, messages * 1_000L, "Còn lịch sáng thứ Hai không?");
    }

    private static FenceRaised.Reads reads(InboundMessage batch) {
        return new FenceRaised.Reads(Set.of(batch.id()), 20, 20);
    }

    private static AiRun run(ConversationId conversation, long token, AiReply reply, InboundMessage answered) {
        return new AiRun(RunId.random(), conversation, new FencingToken(token), List.of(answered.id()), reply, BASE);
    }

    private static DeliveryAttempt delivered(ClaimedDelivery claim) {
        return new DeliveryAttempt(DeliveryReport.everyActionDelivered(claim.delivery().reply().actions()),
                DeliveryState.DELIVERED, NOW, NOW, true);
    }

    private static DeliveryAttempt ended(ClaimedDelivery claim, DeliveryState state) {
        List<Action> actions = claim.delivery().reply().actions();
        DeliveryReport.Status status = DeliveryReport.Status.valueOf(state.name());
        List<ActionDelivery> report = new ArrayList<>();
        for (int index = 0; index < actions.size(); index++) {
            report.add(new ActionDelivery(index, actions.get(index).type(), status, 1, "HTTP 400"));
        }
        return new DeliveryAttempt(new DeliveryReport(report), state, NOW, NOW, true);
    }

    /** A table of a statement that is not pinned to one conversation: a scan (by its alias) or an insert. */
    record Violation(String statement, String table, String alias, String why) {
        String describe() {
            return table + (alias.equals(table) || alias.isEmpty() ? "" : " as " + alias) + ": " + why;
        }

        @Override
        public String toString() {
            return describe() + " in: " + (statement.length() <= 160 ? statement : statement.substring(0, 157) + "...");
        }
    }

    /** A violation allowed, with why: the statement (a piece of its normalized text) and the table. */
    record Known(String statement, String table, String reason) {
        boolean matches(Violation violation) {
            return violation.table().equals(table) && violation.statement().contains(statement);
        }
    }

    /**
     * The check. Every table a plan reads (each node with a relation but the ModifyTable above it, whose rows come from
     * the scan below it) must be pinned to one conversation: its conversation column equal to one value (a constant or
     * a parameter) in a condition of the plan, or equal to the conversation column of a table pinned so (a join on the
     * conversation, as Citus joins tables distributed by the same column). An insert must list the conversation
     * column. Tables outside {@code public} (the tests' clock) are not the adapter's; a table of {@code public} without
     * a conversation column is flagged: a partitioned deployment would have to copy it to every node.
     */
    static final class ConversationScope {
        static final Map<String, String> CONVERSATION_COLUMN = Map.of("conversations", "id",
                "messages", "conversation_id", "ai_runs", "conversation_id", "message_actions", "conversation_id",
                "deliveries", "conversation_id");
        private static final List<String> CONDITIONS = List.of("Index Cond", "Recheck Cond", "Filter", "TID Cond",
                "Join Filter", "Hash Cond", "Merge Cond");
        private static final Pattern INSERT = Pattern.compile(
                "insert into (?:public\\.)?(\\w+)(?: as \\w+)?\\s*(\\(([^)]*)\\))?");
        /** A column as EXPLAIN VERBOSE prints it: qualified by its alias, perhaps in parentheses and cast. */
        private static final String COLUMN = "\\(?(\\w+)\\.(\\w+)\\b\\)?(?:::[a-z ]+(?:\\(\\d+\\))?)?";
        /** {@code a.x = b.y}. */
        private static final Pattern COLUMNS_EQUAL = Pattern.compile(
                "(?<![\\w.])" + COLUMN + "\\s*(?<![<>!])=\\s*" + COLUMN);
        /** {@code a.x = v}, v one value: not a column (those are taken out first), ANY or ALL. */
        private static final Pattern COLUMN_EQUALS_VALUE = Pattern.compile(
                "(?<![\\w.])" + COLUMN + "\\s*=(?!\\s*(?:ANY|ALL)\\b)");
        /** {@code v = a.x}. */
        private static final Pattern VALUE_EQUALS_COLUMN = Pattern.compile("(?<![<>!])=\\s*" + COLUMN);

        private ConversationScope() {
        }

        static List<Violation> violations(Statement statement) {
            Map<String, JsonNode> scans = new LinkedHashMap<>();
            List<String> conditions = new ArrayList<>();
            walk(statement.plan(), scans, conditions);
            Set<String> pinned = pinned(scans, conditions);
            List<Violation> found = new ArrayList<>();
            scans.forEach((alias, scan) -> {
                String table = scan.get("Relation Name").asText();
                String column = CONVERSATION_COLUMN.get(table);
                if (column == null) {
                    found.add(new Violation(statement.normalized(), table, alias, "not partitioned by conversation"));
                } else if (!pinned.contains(alias)) {
                    found.add(new Violation(statement.normalized(), table, alias, scan.get("Node Type").asText()
                            + " with no " + column + " = <one value> among " + conditions(scan)));
                }
            });
            inserts(statement, found);
            return found;
        }

        /** The tables read, by alias (EXPLAIN VERBOSE makes each unique in a plan), and every condition of the plan. */
        private static void walk(JsonNode node, Map<String, JsonNode> scans, List<String> conditions) {
            if (node.has("Relation Name") && !node.path("Node Type").asText().equals("ModifyTable")
                    && node.path("Schema").asText("public").equals("public")) {
                scans.put(node.path("Alias").asText(node.get("Relation Name").asText()), node);
            }
            conditions.addAll(conditions(node));
            node.path("Plans").forEach(child -> walk(child, scans, conditions));
        }

        private static List<String> conditions(JsonNode node) {
            return CONDITIONS.stream().filter(node::has).map(key -> node.get(key).asText()).toList();
        }

        /**
         * The aliases whose conversation column equals one value, then, until none is added, those whose conversation
         * column equals a pinned alias's: a join on the conversation pins both sides only when one is pinned itself.
         */
        static Set<String> pinned(Map<String, JsonNode> scans, List<String> conditions) {
            Set<String> pinned = new HashSet<>();
            List<String[]> joins = new ArrayList<>();
            for (String condition : conditions) {
                Matcher pair = COLUMNS_EQUAL.matcher(condition);
                StringBuilder rest = new StringBuilder();
                while (pair.find()) {
                    if (conversationColumn(scans, pair.group(1), pair.group(2))
                            && conversationColumn(scans, pair.group(3), pair.group(4))) {
                        joins.add(new String[] {pair.group(1), pair.group(3)});
                    }
                    pair.appendReplacement(rest, " ");
                }
                pair.appendTail(rest);
                for (Pattern equality : List.of(COLUMN_EQUALS_VALUE, VALUE_EQUALS_COLUMN)) {
                    Matcher value = equality.matcher(rest);
                    while (value.find()) {
                        if (conversationColumn(scans, value.group(1), value.group(2))) {
                            pinned.add(value.group(1));
                        }
                    }
                }
            }
            boolean added = true;
            while (added) {
                added = false;
                for (String[] join : joins) {
                    if (pinned.contains(join[0]) != pinned.contains(join[1])) {
                        pinned.add(join[0]);
                        pinned.add(join[1]);
                        added = true;
                    }
                }
            }
            return pinned;
        }

        private static boolean conversationColumn(Map<String, JsonNode> scans, String alias, String column) {
            JsonNode scan = scans.get(alias);
            return scan != null && column.equals(CONVERSATION_COLUMN.get(scan.get("Relation Name").asText()));
        }

        private static void inserts(Statement statement, List<Violation> found) {
            String text = statement.normalized();
            Matcher insert = INSERT.matcher(text);
            while (insert.find()) {
                String table = insert.group(1);
                String column = CONVERSATION_COLUMN.get(table);
                if (column == null) {
                    found.add(new Violation(text, table, "", "insert into a table not partitioned by conversation"));
                } else if (insert.group(3) == null
                        || !List.of(insert.group(3).strip().split("\\s*,\\s*")).contains(column)) {
                    found.add(new Violation(text, table, "", "insert that does not list " + column));
                }
            }
        }
    }
}
