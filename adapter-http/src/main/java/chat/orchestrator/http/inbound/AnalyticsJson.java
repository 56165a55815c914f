package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.ModelLatency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of {@code GET /api/v1/admin/analytics}: an {@link AnalyticsReport} (snake_case by the API's mapper). */
record AnalyticsJson(Window window, Totals totals, List<Hour> perHour, Outcomes outcomes, Map<String, Long> actions,
                     List<Latency> aiLatency, DeliveryFailures deliveryFailures, Handoffs handoffs) {

    static AnalyticsJson of(AnalyticsReport report) {
        Map<String, Long> actions = new LinkedHashMap<>();
        for (ActionType type : ActionType.values()) {
            actions.put(type.wireName(), report.actions().get(type));
        }
        return new AnalyticsJson(
                new Window(report.window().hourStarts().size(), report.window().from().toString(),
                        report.window().to().toString()),
                new Totals(report.messagesReceived(), report.answersSent(), report.staleAnswersDiscarded()),
                report.hours().stream().map(hour -> new Hour(hour.hour().toString(), hour.messagesReceived(),
                        hour.answersSent(), hour.staleAnswersDiscarded())).toList(),
                new Outcomes(report.outcomes().messagesAnswered(), report.outcomes().messagesWaiting(),
                        report.outcomes().answersDelivered(), report.outcomes().answersDelivering()),
                actions,
                report.aiLatency().stream().map(Latency::of).toList(),
                new DeliveryFailures(report.deliveryFailures().failedAttempts(), report.deliveryFailures().rejected(),
                        report.deliveryFailures().deadLetters()),
                new Handoffs(report.handoffs().byAi()));
    }

    /** {@code hours} buckets from {@code from}; {@code to} is when the report was made. */
    record Window(int hours, String from, String to) {
    }

    record Totals(long messagesReceived, long answersSent, long staleAnswersDiscarded) {
    }

    record Hour(String hour, long messagesReceived, long answersSent, long staleAnswersDiscarded) {
    }

    record Outcomes(long messagesAnswered, long messagesWaiting, long answersDelivered, long answersDelivering) {
    }

    /** Percentiles to a tenth of a millisecond: the interpolation's floating-point tail says nothing to a reader. */
    record Latency(String model, long calls, double p50Ms, double p95Ms, double p99Ms) {
        static Latency of(ModelLatency latency) {
            return new Latency(latency.model(), latency.calls(), tenths(latency.p50Millis()),
                    tenths(latency.p95Millis()), tenths(latency.p99Millis()));
        }

        private static double tenths(double millis) {
            return Math.round(millis * 10) / 10.0;
        }
    }

    record DeliveryFailures(long failedAttempts, long rejected, long deadLetters) {
    }

    /** Hand-offs to a person; {@code by_ai}: answers that carried a transfer_to_agent. */
    record Handoffs(long byAi) {
    }
}
