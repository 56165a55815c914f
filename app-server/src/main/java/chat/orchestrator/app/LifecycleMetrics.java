package chat.orchestrator.app;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.RunId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The core's lifecycle events as Micrometer meters, named as docs/observability.md lists them. Meters with a fixed
 * set of tags are made once; the AI timer is made per model and result seen, with at most {@link #MAX_MODELS}
 * models, since the model name comes from the AI service and must not grow the series without bound.
 */
final class LifecycleMetrics implements LifecycleEvents {
    static final int MAX_MODELS = 20;
    private static final Duration[] AI_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);
    private static final Duration[] LOCK_WAIT_BUCKETS = seconds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 1);
    private static final Duration[] LOCK_HELD_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300);

    private final MeterRegistry registry;
    private final String configuredModel;
    private final Map<String, Counter> messages = new ConcurrentHashMap<>();
    private final Map<String, Timer> aiCalls = new ConcurrentHashMap<>();
    private final Map<DeliveryState, Counter> deliveries = new EnumMap<>(DeliveryState.class);
    private final Timer lockAcquired;
    private final Timer lockBusy;
    private final Timer lockHeld;
    private final DistributionSummary consolidated;
    private final Counter stale;
    private final Counter cancelled;
    private final Counter recovered;
    private final Map<Handoff.By, Counter> handoffs = new EnumMap<>(Handoff.By.class);
    private final Counter handoffsLifted;

    /** @param configuredModel the label of AI calls that ended without an answer naming its model */
    LifecycleMetrics(MeterRegistry registry, String configuredModel) {
        this.registry = registry;
        this.configuredModel = configuredModel;
        for (DeliveryState state : DeliveryState.values()) {
            deliveries.put(state, Counter.builder("orchestrator.deliveries")
                    .description("Delivery attempts recorded, by the state they left the answer in")
                    .tag("status", state.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        this.lockAcquired = lockWait("acquired");
        this.lockBusy = lockWait("busy");
        this.lockHeld = Timer.builder("orchestrator.lock.held")
                .description("How long a worker held a conversation's lock, from taking it to letting it go")
                .serviceLevelObjectives(LOCK_HELD_BUCKETS).register(registry);
        this.consolidated = DistributionSummary.builder("orchestrator.consolidated.messages")
                .description("Customer messages answered together by one stored answer")
                .serviceLevelObjectives(1, 2, 3, 4, 5, 10, 20, 50).register(registry);
        this.stale = Counter.builder("orchestrator.stale.answers")
                .description("Answers discarded because newer messages arrived while the AI ran").register(registry);
        this.cancelled = Counter.builder("orchestrator.ai.calls.cancelled")
                .description("AI calls cancelled because a newer message arrived").register(registry);
        this.recovered = Counter.builder("orchestrator.sweeper.recovered")
                .description("Conversations whose waiting messages the sweeper found with no holder and restarted")
                .register(registry);
        for (Handoff.By by : Handoff.By.values()) {
            handoffs.put(by, Counter.builder("orchestrator.handoffs")
                    .description("Conversations handed off to people, by who handed them off (the AI or an admin)")
                    .tag("by", by.wireName()).register(registry));
        }
        this.handoffsLifted = Counter.builder("orchestrator.handoffs.lifted")
                .description("AI transfers to people lifted because the transfer answer never reached Pancake"
                        + " (rejected or dead-lettered); the bot answers those conversations again")
                .register(registry);
    }

    private Timer lockWait(String result) {
        return Timer.builder("orchestrator.lock.wait")
                .description("How long one attempt to take a conversation's lock took, by whether it was taken")
                .tag("result", result).serviceLevelObjectives(LOCK_WAIT_BUCKETS).register(registry);
    }

    @Override
    public void messageHandled(InboundMessage message, MessageOutcome outcome) {
        countMessage(outcomeName(outcome));
    }

    @Override
    public void messageSubmitted(InboundMessage message, Submission submission) {
        countMessage(switch (submission) {
            case Submission.Started started -> "accepted";
            case Submission.Decided decided -> outcomeName(decided.outcome());
        });
    }

    @Override
    public void lockAttempted(ConversationId conversation, boolean acquired, Duration took) {
        (acquired ? lockAcquired : lockBusy).record(took);
    }

    @Override
    public void workerStopped(ConversationId conversation, Duration held) {
        lockHeld.record(held);
    }

    @Override
    public void aiCallEnded(ConversationId conversation, AiCallEnd end, Optional<String> model, Duration took) {
        aiTimer(model.orElse(configuredModel), end.name().toLowerCase(Locale.ROOT)).record(took);
        if (end == AiCallEnd.CANCELLED) {
            cancelled.increment();
        }
    }

    @Override
    public void burstAnswered(ConversationId conversation, RunId run, int messageCount) {
        consolidated.record(messageCount);
    }

    @Override
    public void staleAnswerDiscarded(ConversationId conversation) {
        stale.increment();
    }

    @Override
    public void deliveryAttempted(ConversationId conversation, RunId run, DeliveryState state) {
        deliveries.get(state).increment();
    }

    @Override
    public void conversationRecovered(ConversationId conversation) {
        recovered.increment();
    }

    @Override
    public void handedOff(ConversationId conversation, Handoff.By by) {
        handoffs.get(by).increment();
    }

    @Override
    public void handoffLifted(ConversationId conversation, RunId transfer, DeliveryState how) {
        handoffsLifted.increment();
    }

    private void countMessage(String outcome) {
        messages.computeIfAbsent(outcome, name -> Counter.builder("orchestrator.messages")
                .description("Inbound messages by the outcome their caller was given")
                .tag("outcome", name).register(registry)).increment();
    }

    private Timer aiTimer(String model, String result) {
        String label = aiCalls.size() >= MAX_MODELS * AiCallEnd.values().length
                && !aiCalls.containsKey(model + '\n' + result) ? "other" : model;
        return aiCalls.computeIfAbsent(label + '\n' + result, key -> Timer.builder("orchestrator.ai.call")
                .description("AI calls by the model that answered (or the configured one) and how they ended")
                .tag("model", label).tag("result", result)
                .serviceLevelObjectives(AI_BUCKETS).register(registry));
    }

    static String outcomeName(MessageOutcome outcome) {
        return switch (outcome) {
            case MessageOutcome.Completed completed -> "completed";
            case MessageOutcome.Locked locked -> "locked";
            case MessageOutcome.RestartNeeded restart -> "restart_needed";
            case MessageOutcome.Duplicate duplicate -> "duplicate";
            case MessageOutcome.Failed failed -> "failed";
            case MessageOutcome.AiRejected rejected -> "ai_rejected";
            case MessageOutcome.HandedOff handedOff -> "handed_off";
        };
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000_000L));
        }
        return durations;
    }
}
