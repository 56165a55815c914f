package chat.orchestrator.app.faults;

import chat.orchestrator.app.faults.StubPancake.Call;
import chat.orchestrator.app.faults.Traffic.Message;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What really happened, from Pancake's records and the database: which answers Pancake took (a key taken several
 * times counts once), which stored run each is, which messages each covers, and in which order each conversation's
 * answers were committed. The database says what was accepted ({@code messages}) and committed ({@code ai_runs});
 * the stub says what was delivered. Commit order is a {@code commit_seq} where the schema has one (the outbox's
 * {@code deliveries} table, or a column of {@code ai_runs}), else the fencing token then {@code finished_at}: a lower
 * token cannot commit after a higher one has (the fence refuses it), and one holder commits its runs one after
 * another. An answer's outbox state comes from {@code deliveries} where it exists, else {@code message_actions}.
 */
final class DeliveryAudit {
    /** A stored AI run. */
    record Run(UUID id, String conversationId, boolean sent, long fencingToken, Instant finishedAt, Long commitSeq,
               List<String> messageIds) {
    }

    /** A message of the database: conversation, id, and the sent run that consumed it (null while it waits). */
    record Recorded(String conversationId, String messageId, UUID answeredBy) {
    }

    /** An answer's outbox state, for saying why it was not delivered. */
    record Outbox(String status, int attempts, String lastError) {
    }

    /** The first time Pancake took one key, and in which phase. */
    record Taken(String key, Instant at, String phase, String conversationId) {
    }

    final Map<String, Recorded> recorded = new HashMap<>();
    final Map<UUID, Run> runs = new HashMap<>();
    final Map<UUID, Outbox> outbox = new HashMap<>();
    final Map<String, Taken> taken = new LinkedHashMap<>();
    /** The first call Pancake got with each key, whatever became of it. */
    final Map<String, Call> firstCall = new HashMap<>();
    final boolean commitSeqColumn;
    final String commitOrder;

    private DeliveryAudit(Connection connection, List<Call> calls) throws SQLException {
        boolean outboxTable = hasColumn(connection, "deliveries", "commit_seq");
        commitSeqColumn = outboxTable || hasColumn(connection, "ai_runs", "commit_seq");
        commitOrder = outboxTable ? "deliveries.commit_seq"
                : commitSeqColumn ? "ai_runs.commit_seq" : "ai_runs (fencing_token, finished_at)";
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT conversation_id, message_id, answered_by FROM messages")) {
                while (rows.next()) {
                    Recorded message = new Recorded(rows.getString(1), rows.getString(2), rows.getObject(3, UUID.class));
                    recorded.put(key(message.conversationId(), message.messageId()), message);
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT r.id, r.conversation_id, r.outcome, r.fencing_token,"
                    + " r.finished_at, r.message_ids"
                    + (outboxTable ? ", d.commit_seq" : commitSeqColumn ? ", r.commit_seq" : "")
                    + " FROM ai_runs r" + (outboxTable ? " LEFT JOIN deliveries d ON d.run_id = r.id" : ""))) {
                while (rows.next()) {
                    Array ids = rows.getArray(6);
                    Run run = new Run(rows.getObject(1, UUID.class), rows.getString(2), "sent".equals(rows.getString(3)),
                            rows.getLong(4), rows.getTimestamp(5).toInstant(),
                            commitSeqColumn ? (Long) rows.getObject(7, Long.class) : null,
                            List.of((String[]) ids.getArray()));
                    runs.put(run.id(), run);
                }
            }
            try (ResultSet rows = statement.executeQuery(outboxTable
                    ? "SELECT run_id, status, attempts, last_error FROM deliveries"
                    : "SELECT run_id, status, attempts, last_error FROM message_actions WHERE action_index = 0")) {
                while (rows.next()) {
                    outbox.put(rows.getObject(1, UUID.class),
                            new Outbox(rows.getString(2), rows.getInt(3), rows.getString(4)));
                }
            }
        }
        calls.stream().filter(call -> call.key() != null).sorted(Comparator.comparing(Call::at))
                .forEach(call -> firstCall.putIfAbsent(call.key(), call));
        calls.stream().filter(call -> call.verdict().delivered() && call.key() != null)
                .sorted(Comparator.comparing(Call::at))
                .forEach(call -> taken.putIfAbsent(call.key(), new Taken(call.key(), call.at(), call.phase(),
                        call.conversationId())));
    }

    static DeliveryAudit read(Connection connection, List<Call> calls) throws SQLException {
        return new DeliveryAudit(connection, calls);
    }

    static String key(String conversationId, String messageId) {
        return conversationId + "\u0000" + messageId;
    }

    /**
     * What is still owed: recorded messages no sent run consumed, sent runs Pancake has not taken, and messages a
     * client had a 2xx for that were never recorded. Zero when the system has quiesced.
     */
    int outstanding(List<Message> messages) {
        int owed = 0;
        for (Recorded message : recorded.values()) {
            if (message.answeredBy() == null) {
                owed++;
            }
        }
        for (Run run : runs.values()) {
            if (run.sent() && !taken.containsKey(run.id().toString())) {
                owed++;
            }
        }
        for (Message message : messages) {
            if (message.accepted && !recorded.containsKey(key(message.conversationId, message.messageId))) {
                owed++;
            }
        }
        return owed;
    }

    /** The delivered sent runs that contain a message, by message. */
    Map<String, List<Run>> coverage() {
        Map<String, List<Run>> covering = new HashMap<>();
        for (Taken delivered : taken.values()) {
            Optional<Run> run = run(delivered.key());
            if (run.isEmpty() || !run.get().sent()) {
                continue;
            }
            for (String messageId : run.get().messageIds()) {
                covering.computeIfAbsent(key(run.get().conversationId(), messageId), k -> new ArrayList<>()).add(run.get());
            }
        }
        return covering;
    }

    /** Keys Pancake took that are no sent run: a discarded (stale) answer, or a run the database does not know. */
    List<Taken> strays() {
        return taken.values().stream().filter(t -> run(t.key()).map(r -> !r.sent()).orElse(true)).toList();
    }

    /**
     * Deliveries that reached Pancake after a later-committed answer of their conversation had (judged by the
     * first time each key was taken).
     */
    List<Taken> outOfOrder() {
        Map<String, List<Run>> committed = new HashMap<>();
        runs.values().stream().filter(Run::sent).forEach(r -> committed.computeIfAbsent(r.conversationId(),
                c -> new ArrayList<>()).add(r));
        Comparator<Run> commitOrder = commitSeqColumn
                ? Comparator.comparing(Run::commitSeq, Comparator.nullsLast(Comparator.naturalOrder()))
                : Comparator.comparingLong(Run::fencingToken).thenComparing(Run::finishedAt);
        Map<UUID, Integer> rank = new HashMap<>();
        committed.values().forEach(list -> {
            list.sort(commitOrder);
            for (int i = 0; i < list.size(); i++) {
                rank.put(list.get(i).id(), i);
            }
        });
        Map<String, Integer> highestDelivered = new HashMap<>();
        List<Taken> late = new ArrayList<>();
        for (Taken delivered : taken.values()) {
            Optional<Run> run = run(delivered.key()).filter(Run::sent);
            if (run.isEmpty()) {
                continue;
            }
            int mine = rank.get(run.get().id());
            int highest = highestDelivered.getOrDefault(run.get().conversationId(), -1);
            if (mine < highest) {
                late.add(delivered);
            } else {
                highestDelivered.put(run.get().conversationId(), mine);
            }
        }
        return late;
    }

    /**
     * Messages answered ahead of an earlier one: for each message with an {@link Message#answerAfter} (accepted before
     * it was sent), the first answer covering it reached Pancake strictly before the first one covering that earlier
     * message. The commit-order check cannot see this: when the earlier message is lost to its burst and answered on
     * its own later, both answers reach Pancake in commit order. One answer covering both is in order.
     */
    List<String> answeredAhead(List<Message> messages) {
        Map<String, List<Run>> covering = coverage();
        List<String> ahead = new ArrayList<>();
        for (Message later : messages) {
            Message earlier = later.answerAfter;
            if (earlier == null) {
                continue;
            }
            Optional<Instant> laterAt = firstTaken(covering.get(key(later.conversationId, later.messageId)));
            Optional<Instant> earlierAt = firstTaken(covering.get(key(earlier.conversationId, earlier.messageId)));
            // Never answered is the lost count's finding, not this one's.
            if (laterAt.isPresent() && earlierAt.isPresent() && laterAt.get().isBefore(earlierAt.get())) {
                ahead.add(later.messageId + ": answered " + Duration.between(laterAt.get(), earlierAt.get()).toMillis()
                        + " ms before " + earlier.messageId + ", which was accepted before it was sent");
            }
        }
        return ahead;
    }

    private Optional<Instant> firstTaken(List<Run> runs) {
        return runs == null ? Optional.empty()
                : runs.stream().map(r -> taken.get(r.id().toString()).at()).min(Comparator.naturalOrder());
    }

    Optional<Run> run(String key) {
        try {
            return Optional.ofNullable(runs.get(UUID.fromString(key)));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    /** Every message the judgement covers: all the traffic sent, and anything recorded that traffic did not send. */
    Set<String> unknownRecorded(List<Message> messages) {
        Set<String> sent = new HashSet<>();
        messages.forEach(m -> sent.add(key(m.conversationId, m.messageId)));
        Set<String> unknown = new HashSet<>(recorded.keySet());
        unknown.removeAll(sent);
        return unknown;
    }

    private static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
        try (ResultSet columns = connection.getMetaData().getColumns(null, null, table, column)) {
            return columns.next();
        }
    }
}
