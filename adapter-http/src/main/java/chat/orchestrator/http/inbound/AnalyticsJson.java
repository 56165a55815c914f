package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.ActionType;
import chat.orchestrator.core.port.AnalyticsReport;
import chat.orchestrator.core.port.ModelLatency;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of {@code GET /api/v1/admin/analytics}: an {@link AnalyticsReport} in the API's snake_case. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
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
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Window(int hours, String from, String to) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Totals(long messagesReceived, long answersSent, long staleAnswersDiscarded) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Hour(String hour, long messagesReceived, long answersSent, long staleAnswersDiscarded) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Outcomes(long messagesAnswered, long messagesWaiting, long answersDelivered, long answersDelivering) {
    }

    /** Percentiles to a tenth of a millisecond: the interpolation's floating-point tail says nothing to a reader. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Latency(String model, long calls, double p50Ms, double p95Ms, double p99Ms) {
        static Latency of(ModelLatency latency) {
            return new Latency(latency.model(), latency.calls(), tenths(latency.p50Millis()),
                    tenths(latency.p95Millis()), tenths(latency.p99Millis()));
        }

        private static double tenths(double millis) {
            return Math.round(millis * 10) / 10.0;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DeliveryFailures(long failedAttempts, long rejected, long deadLetters) {
    }

    /** Hand-offs to a person; {@code by_ai}: answers that carried a transfer_to_agent. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Handoffs(long byAi) {
    }
}
