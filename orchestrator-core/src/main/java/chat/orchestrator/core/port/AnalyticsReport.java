package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ActionType;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of one {@link AnalyticsWindow}: per hour, messages recorded, answers stored to be sent and stale
 * answers discarded; what became of those messages and answers; the answers' actions per type; AI latency per model;
 * delivery failures; hand-offs. The delivery outcomes partition the answers: delivered + delivering + rejected +
 * dead letters = answers sent, less those withheld because people had their conversation (in none of them).
 *
 * @param hours     one entry per hour of the window, oldest first, zeros included
 * @param actions   every action type, zeros included
 * @param aiLatency one entry per model that finished a run (sent or discarded) in the window, by model name
 */
public record AnalyticsReport(AnalyticsWindow window, List<HourlyActivity> hours, Outcomes outcomes,
                              Map<ActionType, Long> actions, List<ModelLatency> aiLatency,
                              DeliveryFailures deliveryFailures, Handoffs handoffs) {

    public AnalyticsReport {
        Objects.requireNonNull(window, "window");
        hours = List.copyOf(hours);
        if (!hours.stream().map(HourlyActivity::hour).toList().equals(window.hourStarts())) {
            throw new IllegalArgumentException("a report has one entry per hour of its window, oldest first");
        }
        Objects.requireNonNull(outcomes, "outcomes");
        EnumMap<ActionType, Long> everyType = new EnumMap<>(ActionType.class);
        for (ActionType type : ActionType.values()) {
            everyType.put(type, nonNegative(actions.getOrDefault(type, 0L), type.wireName()));
        }
        actions = Collections.unmodifiableMap(everyType);
        aiLatency = aiLatency.stream().sorted(Comparator.comparing(ModelLatency::model)).toList();
        Objects.requireNonNull(deliveryFailures, "deliveryFailures");
        Objects.requireNonNull(handoffs, "handoffs");
    }

    public long messagesReceived() {
        return hours.stream().mapToLong(HourlyActivity::messagesReceived).sum();
    }

    public long answersSent() {
        return hours.stream().mapToLong(HourlyActivity::answersSent).sum();
    }

    public long staleAnswersDiscarded() {
        return hours.stream().mapToLong(HourlyActivity::staleAnswersDiscarded).sum();
    }

    /**
     * One entry per hour of the window from counts keyed by hour start (an hour missing from a map counted none).
     */
    public static List<HourlyActivity> hourly(AnalyticsWindow window, Map<Instant, Long> messagesReceived,
                                              Map<Instant, Long> answersSent,
                                              Map<Instant, Long> staleAnswersDiscarded) {
        return window.hourStarts().stream()
                .map(hour -> new HourlyActivity(hour, messagesReceived.getOrDefault(hour, 0L),
                        answersSent.getOrDefault(hour, 0L), staleAnswersDiscarded.getOrDefault(hour, 0L)))
                .toList();
    }

    /** One hour of traffic: messages recorded, answers stored to be sent, answers discarded as stale. */
    public record HourlyActivity(Instant hour, long messagesReceived, long answersSent, long staleAnswersDiscarded) {
        public HourlyActivity {
            Objects.requireNonNull(hour, "hour");
            nonNegative(messagesReceived, "messagesReceived");
            nonNegative(answersSent, "answersSent");
            nonNegative(staleAnswersDiscarded, "staleAnswersDiscarded");
        }
    }

    /**
     * What became of the window's messages (answered, or still waiting: pending, or left by an AI that failed or
     * refused) and of its answers (delivered, or still being delivered); the failed deliveries are in
     * {@link DeliveryFailures}.
     */
    public record Outcomes(long messagesAnswered, long messagesWaiting, long answersDelivered, long answersDelivering) {
        public Outcomes {
            nonNegative(messagesAnswered, "messagesAnswered");
            nonNegative(messagesWaiting, "messagesWaiting");
            nonNegative(answersDelivered, "answersDelivered");
            nonNegative(answersDelivering, "answersDelivering");
        }
    }

    /**
     * Delivery attempts that did not deliver (every attempt of an answer but the one that delivered it), and the
     * answers that ended undelivered: refused by Pancake, or dead-lettered at the delivery horizon.
     */
    public record DeliveryFailures(long failedAttempts, long rejected, long deadLetters) {
        public DeliveryFailures {
            nonNegative(failedAttempts, "failedAttempts");
            nonNegative(rejected, "rejected");
            nonNegative(deadLetters, "deadLetters");
        }
    }

    /** Conversations handed to a person: {@code byAi} counts sent answers carrying a {@code transfer_to_agent}. */
    public record Handoffs(long byAi) {
        public Handoffs {
            nonNegative(byAi, "byAi");
        }
    }

    private static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }
}
