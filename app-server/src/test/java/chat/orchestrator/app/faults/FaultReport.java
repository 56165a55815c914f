package chat.orchestrator.app.faults;

import chat.orchestrator.app.faults.DeliveryAudit.Run;
import chat.orchestrator.app.faults.DeliveryAudit.Taken;
import chat.orchestrator.app.faults.StubPancake.Call;
import chat.orchestrator.app.faults.Timeline.Phase;
import chat.orchestrator.app.faults.Traffic.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The verdict per phase, from the audit: messages sent in the phase (first attempt), accepted with a 2xx, lost (an
 * accepted message that no answer Pancake took covers), doubled (covered by two taken answers), stale (Pancake took
 * an answer that is no sent run), out of order (taken after a later-committed answer of its conversation), and how
 * long after the fault ended its last answer reached Pancake. Lost messages are explained (never answered, or
 * answered and its outbox row in some state) with lines of the instances' logs.
 */
final class FaultReport {
    /** One row of the table. */
    record Row(String phase, String fault, long faultSeconds, int messages, int accepted, long refusals,
               int lost, int doubled, int stale, int outOfOrder, Map<String, Integer> lostWhy, Double latestAnswerAfter) {
        boolean clean() {
            return lost == 0 && doubled == 0 && stale == 0 && outOfOrder == 0;
        }
    }

    final List<Row> rows = new ArrayList<>();
    final List<String> details = new ArrayList<>();
    int lost;
    int doubled;
    int stale;
    int outOfOrder;
    int messages;

    FaultReport(DeliveryAudit audit, List<Message> sent, List<Phase> phases, List<Call> calls,
                Map<String, Long> refusals, List<Path> logs) {
        Map<String, List<Run>> coverage = audit.coverage();
        Map<String, List<String>> examples = new LinkedHashMap<>();
        for (Phase phase : phases) {
            List<Message> mine = sent.stream().filter(m -> m.phase.equals(phase.name())).toList();
            Map<String, Integer> why = new TreeMap<>();
            int phaseLost = 0;
            int phaseDoubled = 0;
            Instant latest = null;
            for (Message message : mine) {
                String key = DeliveryAudit.key(message.conversationId, message.messageId);
                List<Run> covering = coverage.getOrDefault(key, List.of());
                boolean recorded = audit.recorded.containsKey(key);
                if (covering.isEmpty() && (recorded || message.accepted)) {
                    phaseLost++;
                    String reason = lostReason(audit, key, recorded);
                    why.merge(reason.replaceAll(" run [0-9a-f-]+", "").replaceAll(":.*", ""), 1, Integer::sum);
                    examples.computeIfAbsent(phase.name(), p -> new ArrayList<>()).add(message.messageId + ": " + reason);
                }
                if (covering.size() > 1) {
                    phaseDoubled++;
                    examples.computeIfAbsent(phase.name(), p -> new ArrayList<>()).add(message.messageId
                            + ": covered by " + covering.size() + " delivered answers " + covering.stream().map(Run::id).toList());
                }
                for (Run run : covering) {
                    Instant at = audit.taken.get(run.id().toString()).at();
                    latest = latest == null || at.isAfter(latest) ? at : latest;
                }
            }
            int phaseStale = (int) audit.strays().stream().filter(t -> t.phase().equals(phase.name())).count();
            List<Taken> late = audit.outOfOrder().stream().filter(t -> t.phase().equals(phase.name())).toList();
            late.stream().limit(3).forEach(t -> examples.computeIfAbsent(phase.name(), p -> new ArrayList<>())
                    .add("conversation " + t.conversationId() + ": answer " + t.key() + " reached Pancake after a later-committed one"));
            Instant faultEnd = phase.faultEnd() != null ? phase.faultEnd() : phase.end();
            Double after = latest == null ? null : Duration.between(faultEnd, latest).toMillis() / 1000.0;
            rows.add(new Row(phase.name(), phase.fault(), phase.faultLength().toSeconds(), mine.size(),
                    (int) mine.stream().filter(m -> m.accepted).count(), refusals.getOrDefault(phase.name(), 0L),
                    phaseLost, phaseDoubled, phaseStale, late.size(), why, after));
            lost += phaseLost;
            doubled += phaseDoubled;
            stale += phaseStale;
            outOfOrder += late.size();
            messages += mine.size();
        }
        audit.strays().stream().limit(5).forEach(t -> details.add("stale or unknown answer delivered: key " + t.key()
                + " of " + t.conversationId() + " in phase " + t.phase()));
        examples.forEach((phase, lines) -> {
            details.add("phase " + phase + " (" + lines.size() + " finding(s); first ones):");
            lines.stream().limit(4).forEach(line -> {
                details.add("  " + line);
                excerpts(logs, needle(line)).forEach(l -> details.add("      | " + l));
            });
        });
        int unknown = audit.unknownRecorded(sent).size();
        if (unknown > 0) {
            details.add(unknown + " recorded message(s) the traffic never sent");
        }
        long callsTotal = calls.size();
        details.add("Pancake calls: " + callsTotal + ", distinct keys taken: " + audit.taken.size()
                + ", sent runs: " + audit.runs.values().stream().filter(Run::sent).count()
                + ", discarded runs: " + audit.runs.values().stream().filter(r -> !r.sent()).count()
                + ", commit order from " + (audit.commitSeqColumn ? "ai_runs.commit_seq" : "ai_runs (fencing_token, finished_at)"));
    }

    boolean clean() {
        return rows.stream().allMatch(Row::clean);
    }

    String table(Optional<Duration> quiesce, Duration bound, Duration wall) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-22s %5s %6s %6s %6s %5s %5s %5s %5s %8s  %s%n", "phase", "fault", "msgs", "2xx",
                "non2xx", "lost", "doubl", "stale", "order", "last+s", "lost because"));
        for (Row row : rows) {
            out.append(String.format("%-22s %4ds %6d %6d %6d %5d %5d %5d %5d %8s  %s%n", row.phase(), row.faultSeconds(),
                    row.messages(), row.accepted(), row.refusals(), row.lost(), row.doubled(), row.stale(),
                    row.outOfOrder(), row.latestAnswerAfter() == null ? "-" : String.format("%.1f", row.latestAnswerAfter()),
                    row.lostWhy().isEmpty() ? "" : row.lostWhy()));
        }
        out.append(String.format("%-22s %5s %6d %6s %6s %5d %5d %5d %5d%n", "total", "", messages, "", "", lost, doubled,
                stale, outOfOrder));
        out.append("time to quiesce after the last fault: ").append(quiesce.map(d -> d.toMillis() / 1000.0 + " s")
                .orElse("not within " + bound.toSeconds() + " s")).append("; suite wall time ")
                .append(wall.toSeconds()).append(" s").append(System.lineSeparator());
        details.forEach(line -> out.append(line).append(System.lineSeparator()));
        return out.toString();
    }

    private static String lostReason(DeliveryAudit audit, String key, boolean recorded) {
        if (!recorded) {
            return "accepted with a 2xx but never recorded";
        }
        DeliveryAudit.Recorded message = audit.recorded.get(key);
        if (message.answeredBy() == null) {
            return "recorded, never answered";
        }
        DeliveryAudit.Outbox outbox = audit.outbox.get(message.answeredBy());
        return "answered by run " + message.answeredBy() + ", never taken by Pancake (outbox "
                + (outbox == null ? "none" : outbox.status() + " after " + outbox.attempts() + " attempt(s): "
                + outbox.lastError()) + ")";
    }

    private static String needle(String finding) {
        int run = finding.indexOf("run ");
        if (run >= 0 && finding.length() >= run + 40) {
            return finding.substring(run + 4, run + 40);
        }
        return finding.substring(0, finding.indexOf(':'));
    }

    private static List<String> excerpts(List<Path> logs, String needle) {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            try (Stream<String> all = Files.lines(log)) {
                all.filter(l -> l.contains(needle)).limit(3).forEach(l -> lines.add(log.getFileName() + ": "
                        + (l.length() > 240 ? l.substring(0, 240) + "…" : l)));
            } catch (IOException | java.io.UncheckedIOException unreadable) {
                // A log cut short by a kill may end mid-character; its other lines still tell enough.
            }
            if (lines.size() >= 3) {
                break;
            }
        }
        return lines;
    }
}
