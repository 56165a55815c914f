package chat.orchestrator.app.faults;

import chat.orchestrator.app.faults.DeliveryAudit.Run;
import chat.orchestrator.app.faults.DeliveryAudit.Taken;
import chat.orchestrator.app.faults.StubPancake.Call;
import chat.orchestrator.app.faults.Timeline.Phase;
import chat.orchestrator.app.faults.Traffic.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The verdict per phase, from the audit: messages sent in the phase (first attempt), accepted with a 2xx, lost (an
 * accepted message that no answer Pancake took covers), doubled (covered by two taken answers), stale (Pancake took
 * an answer that is no sent run), out of order (taken after a later-committed answer of its conversation, or a
 * message answered before one a phase knows was accepted ahead of it: {@link DeliveryAudit#answeredAhead}), and how
 * long after the fault ended the last answer to the phase's messages reached Pancake. A finding about an answer
 * (never taken, taken out of order) is charged to the phase in which Pancake first saw it (else the one it was
 * committed in); one about a message (never answered, doubled) to the phase it was sent in. Each is explained with
 * lines of the instances' logs.
 */
final class FaultReport {
    /** One row of the table. */
    record Row(String phase, String fault, long faultSeconds, int messages, int accepted, long refusals,
               int lost, int doubled, int stale, int outOfOrder, Map<String, Integer> lostWhy, Double latestAnswerAfter) {
        boolean clean() {
            return lost == 0 && doubled == 0 && stale == 0 && outOfOrder == 0;
        }
    }

    /** What one phase is charged with, and examples to explain it. */
    private static final class Finding {
        int lost;
        int doubled;
        int stale;
        int outOfOrder;
        final Map<String, Integer> why = new TreeMap<>();
        final List<String> examples = new ArrayList<>();

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
    private int orphanFindings;

    FaultReport(DeliveryAudit audit, List<Message> sent, List<Phase> phases, List<Call> calls,
                Map<String, Long> refusals, List<Path> logs) {
        Map<String, List<Run>> coverage = audit.coverage();
        // Where each finding belongs: an answer never taken, or taken out of order, belongs to the phase in which it
        // first reached for Pancake (the fault it met on its way out), or, never sent at all, to the phase it was
        // committed in; a message never answered, or doubled, to the phase it was sent in.
        Function<Run, String> answerPhase = run -> Optional.ofNullable(
                audit.firstCall.get(run.id().toString())).map(Call::phase)
                .orElseGet(() -> Timeline.phaseAt(phases, run.finishedAt()));
        Map<String, Finding> findings = new LinkedHashMap<>();
        phases.forEach(phase -> findings.put(phase.name(), new Finding()));
        Map<String, Instant> latest = new LinkedHashMap<>();
        for (Message message : sent) {
            String key = DeliveryAudit.key(message.conversationId, message.messageId);
            List<Run> covering = coverage.getOrDefault(key, List.of());
            boolean recorded = audit.recorded.containsKey(key);
            if (covering.isEmpty() && (recorded || message.accepted)) {
                Optional<Run> answer = Optional.ofNullable(recorded ? audit.recorded.get(key).answeredBy() : null)
                        .map(audit.runs::get);
                String reason = lostReason(audit, key, recorded);
                Finding finding = findings.computeIfAbsent(answer.map(answerPhase).orElse(message.phase),
                        p -> new Finding());
                finding.lost++;
                finding.why.merge(lostKind(audit, key, recorded), 1, Integer::sum);
                finding.examples.add(message.messageId + ": " + reason);
            }
            if (covering.size() > 1) {
                Finding finding = findings.computeIfAbsent(message.phase, p -> new Finding());
                finding.doubled++;
                finding.examples.add(message.messageId + ": covered by " + covering.size() + " delivered answers "
                        + covering.stream().map(Run::id).toList());
            }
            for (Run run : covering) {
                Instant at = audit.taken.get(run.id().toString()).at();
                latest.merge(message.phase, at, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        for (Taken stray : audit.strays()) {
            Finding finding = findings.computeIfAbsent(audit.run(stray.key()).map(answerPhase).orElse(stray.phase()),
                    p -> new Finding());
            finding.stale++;
            finding.examples.add("conversation " + stray.conversationId() + ": Pancake took " + stray.key()
                    + ", which is no sent answer (discarded or unknown)");
        }
        for (Taken late : audit.outOfOrder()) {
            Finding finding = findings.computeIfAbsent(answerPhase.apply(audit.run(late.key()).orElseThrow()),
                    p -> new Finding());
            finding.outOfOrder++;
            finding.examples.add("conversation " + late.conversationId() + ": answer run " + late.key()
                    + " reached Pancake (in phase " + late.phase() + ") after a later-committed one");
        }
        // A message answered before one accepted ahead of it is out of order too; charged to the phase it was sent in.
        Map<String, Message> byId = new LinkedHashMap<>();
        sent.forEach(m -> byId.put(m.messageId, m));
        for (String ahead : audit.answeredAhead(sent)) {
            Message later = byId.get(ahead.substring(0, ahead.indexOf(':')));
            Finding finding = findings.computeIfAbsent(later.phase, p -> new Finding());
            finding.outOfOrder++;
            finding.examples.add(ahead);
        }
        Map<String, List<String>> examples = new LinkedHashMap<>();
        for (Phase phase : phases) {
            List<Message> mine = sent.stream().filter(m -> m.phase.equals(phase.name())).toList();
            Finding finding = findings.get(phase.name());
            Instant faultEnd = phase.faultEnd() != null ? phase.faultEnd() : phase.end();
            Instant last = latest.get(phase.name());
            Double after = last == null ? null : Duration.between(faultEnd, last).toMillis() / 1000.0;
            if (mine.isEmpty() && finding.clean()) {
                continue;
            }
            rows.add(new Row(phase.name(), phase.fault(), phase.faultLength().toSeconds(), mine.size(),
                    (int) mine.stream().filter(m -> m.accepted).count(), refusals.getOrDefault(phase.name(), 0L),
                    finding.lost, finding.doubled, finding.stale, finding.outOfOrder, finding.why, after));
            if (!finding.examples.isEmpty()) {
                examples.put(phase.name(), finding.examples);
            }
            lost += finding.lost;
            doubled += finding.doubled;
            stale += finding.stale;
            outOfOrder += finding.outOfOrder;
            messages += mine.size();
        }
        examples.forEach((phase, lines) -> {
            details.add("phase " + phase + " (" + lines.size() + " finding(s); first ones):");
            lines.stream().limit(4).forEach(line -> {
                details.add("  " + line);
                excerpts(logs, needle(line)).forEach(l -> details.add("      | " + l));
            });
        });
        // Every phase a message or finding names is a phase of the timeline; say so loudly if one is not.
        findings.forEach((name, finding) -> {
            if (phases.stream().noneMatch(p -> p.name().equals(name)) && !finding.clean()) {
                orphanFindings += finding.examples.size();
                details.add("findings outside any phase (" + name + "): " + finding.examples);
            }
        });
        int unknown = audit.unknownRecorded(sent).size();
        if (unknown > 0) {
            details.add(unknown + " recorded message(s) the traffic never sent");
        }
        long callsTotal = calls.size();
        details.add("Pancake calls: " + callsTotal + ", distinct keys taken: " + audit.taken.size()
                + ", sent runs: " + audit.runs.values().stream().filter(Run::sent).count()
                + ", discarded runs: " + audit.runs.values().stream().filter(r -> !r.sent()).count()
                + ", commit order from " + audit.commitOrder);
    }

    boolean clean() {
        return orphanFindings == 0 && rows.stream().allMatch(Row::clean);
    }

    String table(Optional<Duration> quiesce, Duration bound, Duration wall) {
        StringBuilder out = new StringBuilder();
        out.append("msgs: first sent in the phase; 2xx: accepted by some instance; non2xx: refused or failed attempts"
                + " (retried); lost, doubled, stale, out of order: see docs/reliability.md; last+s: seconds from the end of"
                + " the phase's fault to the last answer to its messages reaching Pancake").append(System.lineSeparator());
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
        out.append("phases:").append(System.lineSeparator());
        rows.forEach(row -> out.append("  ").append(row.phase()).append(": ").append(row.fault())
                .append(System.lineSeparator()));
        details.forEach(line -> out.append(line).append(System.lineSeparator()));
        return out.toString();
    }

    /** Short: "never answered", "outbox dead_letter", ... */
    private static String lostKind(DeliveryAudit audit, String key, boolean recorded) {
        if (!recorded) {
            return "2xx, never recorded";
        }
        UUID run = audit.recorded.get(key).answeredBy();
        if (run == null) {
            return "never answered";
        }
        DeliveryAudit.Outbox outbox = audit.outbox.get(run);
        return "answer not taken, outbox " + (outbox == null ? "none" : outbox.status());
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

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** What to look for in the logs: the answer's run id where the finding names one, else the message id. */
    private static String needle(String finding) {
        Matcher run = UUID_TEXT.matcher(finding);
        return run.find() ? run.group() : "message=" + finding.substring(0, finding.indexOf(':')) + " ";
    }

    private static List<String> excerpts(List<Path> logs, String needle) {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            try (Stream<String> all = Files.lines(log)) {
                all.filter(l -> l.contains(needle)).limit(3).forEach(l -> lines.add(log.getFileName() + ": "
                        + (l.length() > 240 ? l.substring(0, 240) + "…" : l)));
            } catch (IOException | UncheckedIOException unreadable) {
                // A log cut short by a kill may end mid-character; its other lines still tell enough.
            }
            if (lines.size() >= 3) {
                break;
            }
        }
        return lines;
    }
}
