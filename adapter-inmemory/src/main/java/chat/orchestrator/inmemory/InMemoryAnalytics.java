package chat.orchestrator.inmemory;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.AnalyticsPort;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.AnalyticsReport.DeliveryFailures;
import chat.orchestrator.core.port.AnalyticsReport.Handoffs;
import chat.orchestrator.core.port.AnalyticsReport.Outcomes;
import chat.orchestrator.core.port.AnalyticsWindow;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.ModelLatency;
import chat.orchestrator.inmemory.InMemoryHistory.RecordedMessage;
import chat.orchestrator.inmemory.InMemoryOutboxEntries.Entry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link AnalyticsPort} over an {@link InMemoryHistory} and its outbox, read under the history's monitor so the
 * figures agree with each other. It walks the whole history on every report: fine for one process's memory, which
 * holds far less than the PostgreSQL history whose queries read only the window.
 */
final class InMemoryAnalytics implements AnalyticsPort {
    private final InMemoryHistory history;

    InMemoryAnalytics(InMemoryHistory history) {
        this.history = history;
    }

    @Override
    public AnalyticsReport report(AnalyticsWindow window) {
        synchronized (history) {
            List<RecordedMessage> messages = history.recordedMessages().stream()
                    .filter(m -> window.contains(m.recordedAt())).toList();
            List<AiRun> sent = inWindow(history.sentRuns().stream(), window);
            List<AiRun> discarded = inWindow(history.discardedRuns().stream(), window);
            List<Entry> deliveries = sent.stream().map(run -> history.deliveries.entries.get(run.id())).toList();
            long answered = messages.stream().filter(RecordedMessage::answered).count();
            return new AnalyticsReport(window,
                    AnalyticsReport.hourly(window, perHour(messages.stream().map(RecordedMessage::recordedAt)),
                            perHour(sent.stream().map(AiRun::finishedAt)),
                            perHour(discarded.stream().map(AiRun::finishedAt))),
                    new Outcomes(answered, messages.size() - answered, count(deliveries, DeliveryState.DELIVERED),
                            count(deliveries, DeliveryState.PENDING)),
                    actions(sent),
                    latency(Stream.concat(sent.stream(), discarded.stream())),
                    new DeliveryFailures(deliveries.stream().mapToLong(InMemoryAnalytics::failedAttempts).sum(),
                            count(deliveries, DeliveryState.REJECTED), count(deliveries, DeliveryState.DEAD_LETTER)),
                    new Handoffs(sent.stream().filter(InMemoryAnalytics::handsOff).count()));
        }
    }

    private static List<AiRun> inWindow(Stream<AiRun> runs, AnalyticsWindow window) {
        return runs.filter(run -> window.contains(run.finishedAt())).toList();
    }

    private static Map<Instant, Long> perHour(Stream<Instant> instants) {
        return instants.collect(Collectors.groupingBy(at -> at.truncatedTo(ChronoUnit.HOURS), Collectors.counting()));
    }

    private static long count(List<Entry> deliveries, DeliveryState state) {
        return deliveries.stream().filter(entry -> entry.state == state).count();
    }

    /** Every attempt failed but the one that delivered, as PostgresAnalytics counts them. */
    private static long failedAttempts(Entry entry) {
        return Math.max(0, entry.attempts - (entry.state == DeliveryState.DELIVERED ? 1 : 0));
    }

    private static Map<ActionType, Long> actions(List<AiRun> sent) {
        Map<ActionType, Long> counts = new EnumMap<>(ActionType.class);
        sent.forEach(run -> run.reply().actions().forEach(action -> counts.merge(action.type(), 1L, Long::sum)));
        return counts;
    }

    private static List<ModelLatency> latency(Stream<AiRun> runs) {
        return runs.collect(Collectors.groupingBy(run -> run.reply().model(),
                        Collectors.mapping(run -> run.reply().processingTime().toMillis(), Collectors.toList())))
                .entrySet().stream()
                .map(model -> ModelLatency.of(model.getKey(), model.getValue()))
                .toList();
    }

    private static boolean handsOff(AiRun run) {
        return run.reply().actions().stream().map(Action::type).anyMatch(ActionType.TRANSFER_TO_AGENT::equals);
    }
}
