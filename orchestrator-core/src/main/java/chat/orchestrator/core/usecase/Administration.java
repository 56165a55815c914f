package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.ConversationPage;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.core.port.LockInfo;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.core.port.StatePort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What operators ask of the system: conversations and who holds them, health with stuck conversations and dead
 * letters, the force release of a stuck lock, and the listing and retry of undelivered answers. Reads only the most recently active conversations (up to {@code scanLimit}) for
 * the figures that need a look at each one, so an admin call stays cheap with a million idle conversations.
 */
public final class Administration {
    private final LockPort locks;
    private final StatePort state;
    private final OutboxPort outbox;
    private final List<HealthPort> components;
    private final Clock clock;
    private final Duration lockTtl;
    private final int scanLimit;
    private final Supplier<Optional<AiRefusals.Refusal>> aiRefusal;

    /** Without an AI to watch: health never reports a refusal. */
    public Administration(LockPort locks, StatePort state, OutboxPort outbox, List<HealthPort> components, Clock clock,
                          Duration lockTtl, int scanLimit) {
        this(locks, state, outbox, components, clock, lockTtl, scanLimit, Optional::empty);
    }

    /** @param aiRefusal the AI's refusal in force, usually {@code Orchestrator::aiRefusal} */
    public Administration(LockPort locks, StatePort state, OutboxPort outbox, List<HealthPort> components, Clock clock,
                          Duration lockTtl, int scanLimit, Supplier<Optional<AiRefusals.Refusal>> aiRefusal) {
        this.aiRefusal = aiRefusal;
        this.locks = locks;
        this.state = state;
        this.outbox = outbox;
        this.components = List.copyOf(components);
        this.clock = clock;
        this.lockTtl = lockTtl;
        this.scanLimit = scanLimit;
    }

    /** One conversation as the admin listing shows it. */
    public record ConversationView(ConversationState state, Optional<LockInfo> lock) {
        public boolean processing() {
            return lock.isPresent();
        }
    }

    /** A page of the admin listing. */
    public record ConversationListing(long total, List<ConversationView> conversations) {
    }

    /** Why a conversation counts as stuck. */
    public enum StuckReason {
        /** Messages wait and nobody holds the lock: the holder died, or its AI call failed and nobody retried. */
        PENDING_WITHOUT_HOLDER,
        /** A holder has kept renewing far longer than any answer should take. */
        HELD_TOO_LONG
    }

    /** A stuck conversation and why. */
    public record StuckConversation(ConversationId conversationId, StuckReason reason, int pendingMessages,
                                    Instant lastActivity) {
    }

    /**
     * Overall status: unhealthy when a store is down, degraded when conversations are stuck, answers need an
     * operator or the AI refuses our requests.
     */
    public enum Status { HEALTHY, DEGRADED, UNHEALTHY }

    /** The admin health report. */
    public record SystemHealth(Status status, Instant at, long totalConversations, int activeAiTasks,
                               List<StuckConversation> stuck, DeliveryFigures deliveries, List<ComponentHealth> components,
                               Optional<AiRefusals.Refusal> aiRefusal) {
    }

    /**
     * The outbox at a glance: answers still due, those that need an operator, and those withheld because people had
     * their conversation (expected with hand-offs, so they do not make the health degraded).
     */
    public record DeliveryFigures(long pending, long deadLetters, long rejected, long withheld) {
        static final DeliveryFigures UNKNOWN = new DeliveryFigures(0, 0, 0, 0);

        boolean needOperator() {
            return deadLetters > 0 || rejected > 0;
        }
    }

    /** Activity figures for the admin stats. */
    public record ConversationStats(long total, int recent, int old, int activeProcessing, List<ComponentHealth> components) {
    }

    public ConversationListing conversations(int offset, int limit) {
        ConversationPage page = state.conversations(offset, limit);
        return new ConversationListing(page.total(), page.conversations().stream()
                .map(c -> new ConversationView(c, locks.inspect(c.conversationId())))
                .toList());
    }

    public SystemHealth health() {
        List<ComponentHealth> checked = components.stream().map(HealthPort::check).toList();
        if (checked.stream().anyMatch(c -> !c.up())) {
            return new SystemHealth(Status.UNHEALTHY, clock.instant(), 0, 0, List.of(), DeliveryFigures.UNKNOWN, checked,
                    aiRefusal.get());
        }
        ConversationListing recent = conversations(0, scanLimit);
        List<StuckConversation> stuck = recent.conversations().stream().flatMap(v -> stuck(v).stream()).toList();
        int active = (int) recent.conversations().stream().filter(ConversationView::processing).count();
        DeliveryFigures deliveries = deliveryFigures();
        Optional<AiRefusals.Refusal> refusal = aiRefusal.get();
        Status status = stuck.isEmpty() && !deliveries.needOperator() && refusal.isEmpty() ? Status.HEALTHY
                : Status.DEGRADED;
        return new SystemHealth(status, clock.instant(), recent.total(), active, stuck, deliveries, checked, refusal);
    }

    public ConversationStats stats() {
        List<ComponentHealth> checked = components.stream().map(HealthPort::check).toList();
        ConversationListing recent = conversations(0, scanLimit);
        Instant hourAgo = clock.instant().minus(Duration.ofHours(1));
        int fresh = (int) recent.conversations().stream().filter(v -> v.state().updatedAt().isAfter(hourAgo)).count();
        int active = (int) recent.conversations().stream().filter(ConversationView::processing).count();
        return new ConversationStats(recent.total(), fresh, (int) Math.max(0, recent.total() - fresh), active, checked);
    }

    /** Deletes the conversation's lock whoever holds it; the fencing counter stays, so the old holder stays fenced. */
    public boolean forceRelease(ConversationId conversationId) {
        return locks.forceRelease(conversationId);
    }

    /** Forgets the state of conversations idle for longer than {@code maxAge}; answers how many. */
    public long removeIdleConversations(Duration maxAge) {
        return state.removeIdleConversations(clock.instant().minus(maxAge));
    }

    public DeliveryFigures deliveryFigures() {
        return new DeliveryFigures(outbox.count(DeliveryState.PENDING), outbox.count(DeliveryState.DEAD_LETTER),
                outbox.count(DeliveryState.REJECTED), outbox.count(DeliveryState.WITHHELD));
    }

    /** Answers in {@code state}, most recently updated first. */
    public List<UndeliveredAnswer> deliveries(DeliveryState state, int limit) {
        return outbox.list(state, limit);
    }

    /**
     * Sends a dead-lettered, rejected or withheld answer again, with the same idempotency key, from a new horizon;
     * false if the run is not one of those. A withheld one is withheld again while people still have its conversation:
     * resume it first.
     */
    public boolean retryDelivery(RunId runId) {
        return outbox.retry(runId, clock.instant());
    }

    private Optional<StuckConversation> stuck(ConversationView view) {
        ConversationState conversation = view.state();
        Instant now = clock.instant();
        // A message is pending without a holder for a moment between accept and the lock attempt: only an age
        // past one lock TTL means nobody is coming for it.
        if (view.lock().isEmpty() && conversation.pendingMessages() > 0
                && conversation.updatedAt().isBefore(now.minus(lockTtl))) {
            return Optional.of(new StuckConversation(conversation.conversationId(), StuckReason.PENDING_WITHOUT_HOLDER,
                    conversation.pendingMessages(), conversation.updatedAt()));
        }
        if (view.lock().isPresent() && conversation.updatedAt().isBefore(now.minus(lockTtl.multipliedBy(10)))) {
            return Optional.of(new StuckConversation(conversation.conversationId(), StuckReason.HELD_TOO_LONG,
                    conversation.pendingMessages(), conversation.updatedAt()));
        }
        return Optional.empty();
    }
}
