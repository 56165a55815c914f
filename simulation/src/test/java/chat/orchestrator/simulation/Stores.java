package chat.orchestrator.simulation;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.CommittedAnswer;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.FenceRaised;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.JobPort;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.OutboxPort;
import chat.orchestrator.core.port.PendingSnapshot;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryJobs;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.InMemoryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The simulated Redis and PostgreSQL: the in-memory adapters on the world's true clock (a store judges TTLs by its
 * own time, whatever its clients' clocks say), behind a fault layer. Each call through an instance's ports is a
 * scheduling point and may fail before taking effect, take effect and lose its answer, or be delayed; a whole store
 * may be unreachable for a while, and Redis may restart empty. What took effect is reported to the {@link Checker}.
 */
final class Stores {
    private final World world;
    private final Checker checker;
    private final Clock storeClock;
    private final Duration stateTtl = Duration.ofHours(2);
    final InMemoryHistory history;
    private InMemoryStore redis;
    private InMemoryLocks locks;
    private InMemoryState state;
    private InMemoryJobs jobs;
    private long redisDownUntil = -1;
    private long postgresDownUntil = -1;
    /** Per call: fails before taking effect, takes effect and loses its answer, is delayed. */
    private double failRate;
    private double lostRate;
    private double delayRate;
    /** Told of every effect whose answer reached its caller. */
    Promises promises;

    Stores(World world, Checker checker) {
        this.world = world;
        this.checker = checker;
        this.storeClock = new VirtualClock(world::instant);
        this.history = new InMemoryHistory(storeClock);
        startRedis();
    }

    private void startRedis() {
        redis = new InMemoryStore(storeClock, stateTtl);
        locks = new InMemoryLocks(redis);
        state = new InMemoryState(redis);
        jobs = new InMemoryJobs(storeClock);
    }

    Clock clock() {
        return storeClock;
    }

    void callFaults(double fail, double lost, double delay) {
        this.failRate = fail;
        this.lostRate = lost;
        this.delayRate = delay;
    }

    /** Redis comes back empty: locks, pending sets, seen ids, fencing counters and jobs are gone. */
    void restartRedis(Set<ConversationId> conversations) {
        startRedis();
        checker.pendingLost(conversations);
    }

    /** Redis loses one key of one conversation: an evicted body or pending set, a lost fencing counter or lock. */
    void lose(ConversationId conversation, InMemoryStore.Loss loss) {
        redis.lose(conversation, loss);
        if (loss == InMemoryStore.Loss.PENDING_SET) {
            checker.pendingLost(Set.of(conversation));
        }
    }

    void redisDown(Duration duration) {
        redisDownUntil = world.now() + duration.toNanos();
    }

    void postgresDown(Duration duration) {
        postgresDownUntil = world.now() + duration.toNanos();
    }

    void heal() {
        redisDownUntil = -1;
        postgresDownUntil = -1;
        failRate = 0;
        lostRate = 0;
        delayRate = 0;
    }

    // Raw views for the checker and the quiescence test: no faults, no scheduling point.
    StatePort rawState() {
        return state;
    }

    LockPort rawLocks() {
        return locks;
    }

    /** The ports one incarnation of an instance sees. */
    Ports portsFor(SimulatedScheduler scheduler) {
        return new Ports(
                proxy(LockPort.class, () -> locks, true, scheduler),
                proxy(StatePort.class, () -> state, true, scheduler),
                proxy(HistoryPort.class, () -> history, false, scheduler),
                proxy(OutboxPort.class, history::outbox, false, scheduler),
                proxy(JobPort.class, () -> jobs, true, scheduler));
    }

    record Ports(LockPort locks, StatePort state, HistoryPort history, OutboxPort outbox, JobPort jobs) {
    }

    private <P> P proxy(Class<P> port, Supplier<Object> target, boolean onRedis, SimulatedScheduler caller) {
        Object handler = (java.lang.reflect.InvocationHandler) (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> "simulated " + port.getSimpleName();
                    case "hashCode" -> System.identityHashCode(self);
                    default -> self == args[0];
                };
            }
            return call(port, method, args == null ? new Object[0] : args, target, onRedis, caller);
        };
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port},
                (java.lang.reflect.InvocationHandler) handler));
    }

    private Object call(Class<?> port, Method method, Object[] args, Supplier<Object> target, boolean onRedis,
                        SimulatedScheduler caller) throws Throwable {
        String store = onRedis ? "redis" : "postgresql";
        if (!world.onSimulatedThread()) {
            return invoke(method, target.get(), args);
        }
        World.SimThread thread = world.current();
        if (thread.dead()) {
            throw new World.SimulatedCrash();
        }
        world.yieldPoint();
        if (world.now() < (onRedis ? redisDownUntil : postgresDownUntil)) {
            thread.heardPortFailure = true;
            throw new StoreUnavailableException(store + " unreachable (simulated outage)");
        }
        double roll = world.random().nextDouble();
        if (roll < delayRate) {
            // A slow round trip: not interruptible, as a socket read is not.
            world.block(() -> false, world.now() + Duration.ofMillis(1 + world.random().nextInt(3_000)).toNanos());
            if (thread.dead()) {
                throw new World.SimulatedCrash();
            }
        }
        roll = world.random().nextDouble();
        if (roll < failRate) {
            thread.heardPortFailure = true;
            throw new StoreUnavailableException(store + " call failed (simulated)");
        }
        Object result = invoke(method, target.get(), args);
        world.note(thread.name + ": " + port.getSimpleName() + "." + method.getName() + " -> " + result
                + (roll < failRate + lostRate ? " (answer lost)" : ""));
        observe(port, method.getName(), args, result, thread, caller);
        if (port == OutboxPort.class && method.getName().startsWith("claim")) {
            // A claim may withhold answers in its step (a conversation with people); the checker learns which.
            ((OutboxPort) target.get()).list(DeliveryState.WITHHELD, Integer.MAX_VALUE)
                    .forEach(withheld -> checker.withheld(withheld.runId()));
        }
        if (roll < failRate + lostRate) {
            thread.heardPortFailure = true;
            throw new StoreUnavailableException(store + " answer lost (simulated timeout)");
        }
        if (promises != null) {
            promises.heard(port, method.getName(), args, result);
        }
        return result;
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException failed) {
            throw failed.getCause();
        }
    }

    private void observe(Class<?> port, String method, Object[] args, Object result, World.SimThread thread,
                         SimulatedScheduler caller) {
        if (port == LockPort.class) {
            // The combined accept and lock attempt of the hot path accepts as StatePort.accept does.
            if (method.equals("acceptAndTryAcquire") && ((Admission) result).accept() == AcceptOutcome.ACCEPTED) {
                checker.accepted(thread.id, (InboundMessage) args[0]);
            }
        } else if (port == StatePort.class) {
            switch (method) {
                case "accept" -> {
                    if (result == AcceptOutcome.ACCEPTED) {
                        checker.accepted(thread.id, (InboundMessage) args[0]);
                    }
                }
                case "requeue" -> {
                    if ((Boolean) result) {
                        checker.accepted(thread.id, (InboundMessage) args[0]);
                    }
                }
                case "snapshot" -> checker.snapshotTaken(thread.id, (ConversationId) args[0],
                        ((PendingSnapshot) result).batch().size() >= (Integer) args[1]);
                default -> {
                }
            }
        } else if (port == HistoryPort.class) {
            switch (method) {
                case "record" -> {
                    if (result == RecordOutcome.NEW) {
                        checker.recorded(thread.id, (InboundMessage) args[0]);
                    }
                }
                case "raiseFence" -> {
                    if (((FenceRaised) result).write() instanceof FencedWrite.Committed) {
                        checker.fenceRaised(thread.id, (ConversationId) args[0], (FencingToken) args[1]);
                        if (args[2] instanceof FenceRaised.Reads reads) {
                            // A pass reads history with its fence, after its state snapshot: what it knows of is
                            // everything waiting now (pending at the snapshot, or recorded unanswered at the fence),
                            // and a full page of history fills its batch as a full snapshot does.
                            checker.snapshotTaken(thread.id, (ConversationId) args[0],
                                    ((FenceRaised) result).unanswered().size() >= reads.unansweredLimit()
                                            || checker.fullSnapshot(thread.id));
                        }
                    }
                }
                case "recordAnswer" -> {
                    if (result instanceof FencedWrite.Committed) {
                        checker.answerCommitted(thread.id, (AiRun) args[0]);
                    }
                }
                case "commitAnswer" -> {
                    // One step that stores the answer and may claim it for its holder: both are reported.
                    CommittedAnswer committed = (CommittedAnswer) result;
                    if (committed.write() instanceof FencedWrite.Committed) {
                        checker.answerCommitted(thread.id, (AiRun) args[0]);
                    }
                    @SuppressWarnings("unchecked")
                    Optional<Duration> claimFor = (Optional<Duration>) args[2];
                    committed.claim().ifPresent(c -> checker.claimed(c, claimFor.orElseThrow()));
                }
                case "recordDiscarded" -> {
                    if (result instanceof FencedWrite.Committed) {
                        AiRun run = (AiRun) args[0];
                        checker.fencedWrite(run.conversationId(), run.fencingToken(), "discarded run " + run.id());
                    }
                }
                case "recordHandedOff" -> {
                    if (result instanceof FencedWrite.Committed) {
                        @SuppressWarnings("unchecked")
                        Set<chat.orchestrator.core.domain.MessageId> ids =
                                (Set<chat.orchestrator.core.domain.MessageId>) args[2];
                        checker.handedOffBurst(thread.id, (ConversationId) args[0], (FencingToken) args[1], ids);
                    }
                }
                default -> {
                }
            }
        } else if (port == OutboxPort.class) {
            switch (method) {
                case "claimDue" -> {
                    @SuppressWarnings("unchecked")
                    List<ClaimedDelivery> claimed = (List<ClaimedDelivery>) result;
                    claimed.forEach(c -> checker.claimed(c, (Duration) args[0]));
                }
                case "claimNext" -> {
                    @SuppressWarnings("unchecked")
                    Optional<ClaimedDelivery> claimed = (Optional<ClaimedDelivery>) result;
                    claimed.ifPresent(c -> checker.claimed(c, (Duration) args[1]));
                }
                case "renew" -> {
                    if ((Boolean) result) {
                        checker.claimRenewed((ClaimedDelivery) args[0], (Duration) args[1]);
                    }
                }
                case "record" -> {
                    if ((Boolean) result) {
                        checker.attemptRecorded((ClaimedDelivery) args[0], (DeliveryAttempt) args[1]);
                    }
                }
                case "recordAttempt" -> {
                    if (result != OutboxPort.Recorded.LOST && promises != null) {
                        promises.attemptRecorded((ClaimedDelivery) args[0], (DeliveryAttempt) args[1]);
                    }
                    if (result != OutboxPort.Recorded.LOST) {
                        checker.attemptRecorded((ClaimedDelivery) args[0], (DeliveryAttempt) args[1]);
                    }
                    if (result == OutboxPort.Recorded.HANDOFF_LIFTED) {
                        checker.handoffLifted((ClaimedDelivery) args[0]);
                    }
                }
                case "retry" -> {
                    if ((Boolean) result) {
                        checker.retried((RunId) args[0]);
                    }
                }
                default -> {
                }
            }
        }
    }
}
