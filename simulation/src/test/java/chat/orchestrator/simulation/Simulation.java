package chat.orchestrator.simulation;

import chat.orchestrator.core.DeliverySettings;
import chat.orchestrator.core.Orchestrator;
import chat.orchestrator.core.OrchestratorSettings;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.SenderType;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.StoreUnavailableException;
import chat.orchestrator.core.port.UndeliveredAnswer;
import chat.orchestrator.core.usecase.Administration;
import chat.orchestrator.core.usecase.ChatJobs;
import chat.orchestrator.inmemory.InMemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One run of a {@link Plan}: three instances of the real core (each an {@link Orchestrator} wired as in production,
 * with the chat jobs, hand-offs and administration use cases beside it) on the shared simulated stores, the plan's
 * messages, faults and operators' actions played at their virtual times, the invariants checked after every step,
 * then every fault healed and time run forward until everything has settled, or liveness fails.
 */
final class Simulation {
    static final OrchestratorSettings SETTINGS = OrchestratorSettings.defaults()
            .withLockTtl(Duration.ofSeconds(30))
            .withPollInterval(Duration.ofMillis(500))
            .withAnswerWait(Duration.ofSeconds(60))
            .withSweepInterval(Duration.ofSeconds(30))
            .withHandoffIdleTimeout(Duration.ofHours(6))
            .withDelivery(DeliverySettings.defaults()
                    .withMaxAge(Duration.ofMinutes(30))
                    .withDispatchInterval(Duration.ofSeconds(10)));
    /** Faults end by this time at the latest (virtual, from the start), unless a window of the plan runs longer. */
    private static final Duration HEAL_AFTER = Duration.ofMinutes(10);
    /** How long after healing everything must have settled. */
    private static final Duration SETTLE_WITHIN = Duration.ofHours(2);
    private static final long MAX_STEPS = 400_000;
    /** How long an operator's dispatch by hand waits for its sends. */
    private static final Duration DISPATCH_WAIT = Duration.ofSeconds(20);

    private final Plan plan;
    private final OrchestratorSettings settings;
    private final World world;
    private final Checker checker;
    private final Stores stores;
    private final Conditions conditions;
    private final Promises promises;
    private final List<Instance> instances = new ArrayList<>();
    private final List<UUID> jobs = new ArrayList<>();
    private final Set<UUID> cancelledJobs = new LinkedHashSet<>();

    private final Set<ConversationId> conversations = new LinkedHashSet<>();

    /** What a run came to: the first violations (empty when it passed) and how much it did. */
    record Result(Plan plan, List<String> violations, long steps, int messages, int answers, String endedAt) {
        boolean failed() {
            return !violations.isEmpty();
        }
    }

    private Simulation(Plan plan) {
        this.plan = plan;
        this.settings = SETTINGS.withConsolidation(plan.tuning().window(), plan.tuning().maxWait())
                .withMaxBatchSize(plan.tuning().maxBatchSize())
                .withCancelOnNewerMessage(plan.tuning().cancelOnNewer())
                .withSweepScanLimit(plan.tuning().sweepPage());
        this.world = new World(plan.seed());
        this.conditions = new Conditions(plan.mode());
        Stores[] holder = new Stores[1];
        this.checker = new Checker(world, c -> holder[0].history.handoff(c), SETTINGS.handoffIdleTimeout(),
                settings.maxBatchSize());
        this.stores = new Stores(world, checker);
        holder[0] = stores;
        this.promises = new Promises(world, checker, conditions, settings, plan.calm(),
                plan.tuning().longestAnswer());
        stores.promises = promises;
        world.bugs = promises::bug;
        promises.lockOf = conversation -> stores.rawLocks().inspect(conversation);
        stores.callFaults(plan.callFaults()[0], plan.callFaults()[1], plan.callFaults()[2]);
        conditions.rates(plan.rates()[0], plan.rates()[1], plan.rates()[2], plan.rates()[3]);
    }

    static Result run(Plan plan) {
        return run(plan, null);
    }

    static Result run(Plan plan, List<String> trace) {
        Simulation simulation = new Simulation(plan);
        simulation.world.trace = trace;
        try {
            return simulation.play();
        } finally {
            simulation.world.dispose();
        }
    }

    private Result play() {
        for (int i = 0; i < Plan.INSTANCES; i++) {
            Instance instance = new Instance("i" + i);
            instances.add(instance);
            instance.start();
        }
        long healAt = HEAL_AFTER.toNanos();
        for (Plan.Event event : plan.events()) {
            if (event.kind() == Plan.Kind.MESSAGE) {
                conversations.add(conversation(event.conversation()));
            }
            long end = Duration.ofMillis(event.atMillis() + (event.kind() == Plan.Kind.MESSAGE ? 0
                    : Math.max(0, event.millis()))).toNanos();
            if (event.kind() != Plan.Kind.MESSAGE && event.kind() != Plan.Kind.CLOCK_SKEW
                    && event.kind() != Plan.Kind.REDIS_LOSES_KEY && event.kind() != Plan.Kind.ROLLING_RESTART) {
                healAt = Math.max(healAt, end);
            }
            world.spawn(World.WORLD, "plan-" + event, () -> {
                sleepUntil(Duration.ofMillis(event.atMillis()).toNanos());
                play(event);
            });
        }
        long heal = healAt;
        world.spawn(World.WORLD, "heal", () -> {
            sleepUntil(heal);
            stores.heal();
            conditions.heal();
            for (Instance instance : instances) {
                instance.skew = Duration.ZERO;
                if (instance.current != null) {
                    instance.current.scheduler.skew(Duration.ZERO);
                } else if (!instance.stopping) {
                    instance.start();
                }
            }
        });
        try {
            world.run(heal + SETTLE_WITHIN.toNanos(),
                    () -> checker.failed() || (world.now() > heal && checker.settled() && noLockHeld()),
                    () -> { }, MAX_STEPS);
        } catch (World.SimulationFailure failure) {
            return result(List.of(failure.getMessage()));
        }
        if (!checker.failed()) {
            checker.atQuiescence(conversations.stream()
                    .filter(c -> stores.rawLocks().inspect(c).isPresent()).collect(Collectors.toSet()));
        }
        if (!checker.failed()) {
            promises.atQuiescence();
            settleJobs();
            Incarnation reader = instances.stream().map(i -> i.current).filter(java.util.Objects::nonNull)
                    .findFirst().orElseThrow();
            promises.administrationSettled(reader.administration, reader.orchestrator.aiRefusal(), conversations);
        }
        return result(checker.violations());
    }

    private Result result(List<String> violations) {
        return new Result(plan, List.copyOf(violations.subList(0, Math.min(5, violations.size()))), world.steps(),
                checker.messageCount(), checker.answerCount(), world.instant().toString());
    }

    /** Every chat job, read back through a running instance once everything settled. */
    private void settleJobs() {
        Incarnation reader = instances.stream().map(i -> i.current).filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow();
        for (UUID id : jobs) {
            Optional<chat.orchestrator.core.port.Job> job = reader.jobs.find(id);
            if (job.isPresent()) {
                promises.jobSettled(job.get(), cancelledJobs.contains(id));
            } else if (plan.calm()) {
                checker.broken("9 (callers told the truth)", "job " + id + " is gone in a calm world");
            }
        }
    }

    private boolean noLockHeld() {
        for (ConversationId conversation : conversations) {
            if (stores.rawLocks().inspect(conversation).isPresent()) {
                return false;
            }
        }
        return true;
    }

    private void sleepUntil(long at) {
        if (world.now() < at) {
            world.block(() -> false, at);
        }
    }

    private static ConversationId conversation(int index) {
        return ConversationId.of("c" + index);
    }

    private void play(Plan.Event event) {
        Instance instance = instances.get(event.instance());
        ConversationId conversation = conversation(event.conversation());
        switch (event.kind()) {
            case MESSAGE -> deliverWebhook(event);
            case CRASH -> {
                if (instance.current != null) {
                    instance.crash();
                    sleepUntil(world.now() + Duration.ofMillis(event.millis()).toNanos());
                    instance.start();
                }
            }
            case ROLLING_RESTART -> {
                if (instance.current != null) {
                    Incarnation stopping = instance.current;
                    instance.stopping = true;
                    instance.current = null;
                    long closing = world.now();
                    stopping.orchestrator.close(Duration.ofMillis(event.millis()));
                    promises.closed(Duration.ofNanos(world.now() - closing), Duration.ofMillis(event.millis()),
                            plan.callFaults()[2] > 0);
                    // The process closes its pools and exits: what its threads still do meanwhile may take effect.
                    sleepUntil(world.now() + Duration.ofMillis(world.random().nextInt(500)).toNanos());
                    stopping.scheduler.kill();
                    instance.stopping = false;
                    instance.start();
                }
            }
            case REDIS_RESTART -> stores.restartRedis(Set.copyOf(conversations));
            case REDIS_LOSES_KEY -> stores.lose(conversation, InMemoryStore.Loss.values()[(int) event.millis()]);
            case REDIS_DOWN -> stores.redisDown(Duration.ofMillis(event.millis()));
            case POSTGRES_DOWN -> stores.postgresDown(Duration.ofMillis(event.millis()));
            case CLOCK_SKEW -> {
                instance.skew = Duration.ofMillis(event.millis());
                if (instance.current != null) {
                    instance.current.scheduler.skew(instance.skew);
                }
            }
            case AI_SLOW, AI_FAILING, AI_REFUSING, PANCAKE_DOWN, PANCAKE_LIMITING, PANCAKE_SLOW, PANCAKE_REJECTING ->
                    conditions.window(event.kind(), world.now(), Duration.ofMillis(event.millis()));
            case HAND_OFF -> onInstance(instance, i -> {
                Optional<Handoff> handoff = i.orchestrator.handoffs().handOff(conversation, "asked by plan");
                promises.handedOff(conversation, handoff, stores.history.handoff(conversation));
                return handoff;
            });
            case RESUME -> onInstance(instance, i -> {
                boolean resumed = i.orchestrator.handoffs().resume(conversation);
                promises.resumed(conversation, resumed, stores.history.handoff(conversation));
                return resumed;
            });
            case FORCE_RELEASE -> onInstance(instance, i -> {
                boolean released = i.administration.forceRelease(conversation);
                promises.operatorTold("forceRelease", released);
                return released;
            });
            case CLEANUP -> onInstance(instance, i -> {
                long removed = i.administration.removeIdleConversations(Duration.ofSeconds(1));
                promises.operatorTold("removeIdleConversations", removed);
                return removed;
            });
            case RETRY_DEAD_LETTERS -> onInstance(instance, i -> {
                for (DeliveryState state : List.of(DeliveryState.DEAD_LETTER, DeliveryState.REJECTED)) {
                    for (UndeliveredAnswer answer : i.administration.deliveries(state, 20)) {
                        promises.operatorTold("retry", i.administration.retryDelivery(answer.runId()));
                    }
                }
                return true;
            });
            case DISPATCH_NOW -> onInstance(instance, i -> {
                long since = world.now();
                int started = i.orchestrator.dispatch();
                try {
                    boolean idle = i.orchestrator.awaitDispatched(DISPATCH_WAIT);
                    promises.dispatched(started, idle, since, DISPATCH_WAIT);
                    return idle;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            case SWEEP_NOW -> onInstance(instance, "by-hand/sweeper", i -> {
                int started = i.orchestrator.sweep();
                promises.swept(started);
                return started;
            });
            case CANCEL_JOB -> onInstance(instance, i -> {
                if (jobs.isEmpty()) {
                    return Optional.empty();
                }
                UUID job = jobs.get(world.random().nextInt(jobs.size()));
                cancelledJobs.add(job);
                Optional<chat.orchestrator.core.port.Job> cancelled = i.jobs.cancel(job, "cancelled by plan");
                promises.operatorTold("update", cancelled);
                return cancelled;
            });
        }
    }

    /** An operator's call on one instance; a store that is down makes it fail, as an admin request would (500). */
    private void onInstance(Instance instance, java.util.function.Function<Incarnation, Object> action) {
        onInstance(instance, "admin", action);
    }

    private void onInstance(Instance instance, String thread, java.util.function.Function<Incarnation, Object> action) {
        Incarnation incarnation = instance.current;
        if (incarnation == null) {
            return;
        }
        World.SimThread request = world.spawn(incarnation.scheduler, thread, () -> {
            try {
                action.apply(incarnation);
            } catch (RuntimeException failed) {
                // The operator sees an error and may try again; nothing to check here.
            }
        });
        world.block(request::done, Long.MAX_VALUE);
    }

    /** Pancake calls an instance with the message, and calls again (another instance if need be) until it is taken. */
    private void deliverWebhook(Plan.Event event) {
        InboundMessage message = new InboundMessage(MessageId.of("m" + event.message()),
                conversation(event.conversation()), "message " + event.message(), "customer-" + event.conversation(),
                SenderType.USER, World.EPOCH.plusMillis(event.millis()),
                Map.of("platform", "facebook"));
        int target = event.instance();
        for (int attempt = 0; attempt < 30; attempt++) {
            Instance instance = instances.get((target + attempt) % instances.size());
            Incarnation incarnation = instance.current;
            if (incarnation != null && handled(incarnation, message, event.path())) {
                return;
            }
            sleepUntil(world.now() + Duration.ofMillis(1_000 + world.random().nextInt(10_000)).toNanos());
        }
    }

    /** One request: true when the instance took the message (Pancake need not send it again). */
    private boolean handled(Incarnation incarnation, InboundMessage message, Plan.Path path) {
        boolean[] taken = {false};
        World.SimThread request = world.spawn(incarnation.scheduler, "request-" + message.id().value(), () -> {
            try {
                taken[0] = take(incarnation, message, path);
            } catch (StoreUnavailableException unavailable) {
                // The HTTP layer answers 503 and Pancake sends the message again.
                taken[0] = false;
            }
        });
        request.awaitsItsWorker = path == Plan.Path.SYNC;
        world.block(request::done, Long.MAX_VALUE);
        return taken[0];
    }

    private boolean take(Incarnation incarnation, InboundMessage message, Plan.Path path) {
        long since = world.now();
        return switch (path) {
            case SYNC -> {
                MessageOutcome outcome = incarnation.orchestrator.handle(message);
                promises.answered(message, outcome, since);
                yield !(outcome instanceof MessageOutcome.Failed);
            }
            case WEBHOOK -> {
                Submission submission = incarnation.orchestrator.submit(message);
                promises.submitted(message, submission, since);
                yield switch (submission) {
                    case Submission.Started started -> true;
                    case Submission.Decided decided -> !(decided.outcome() instanceof MessageOutcome.Failed);
                };
            }
            case JOB -> {
                ChatJobs.Submitted submitted = incarnation.jobs.submit(message.conversationId(), List.of(message));
                promises.jobSubmitted(message, submitted);
                jobs.add(submitted.job().id());

                yield submitted.failure().isEmpty();
            }
        };
    }

    /** One process of an instance: its scheduler (its threads and clock), its orchestrator and use cases. */
    private record Incarnation(SimulatedScheduler scheduler, Orchestrator orchestrator, ChatJobs jobs,
                               Administration administration) {
    }

    /** A simulated instance: started, crashed (its process gone), restarted, under its own clock skew. */
    private final class Instance {
        final String name;
        Duration skew = Duration.ZERO;
        Incarnation current;
        boolean stopping;
        int incarnations;

        Instance(String name) {
            this.name = name;
        }

        void start() {
            if (current != null) {
                return;
            }
            SimulatedScheduler scheduler = new SimulatedScheduler(world, name + "#" + incarnations++, promises::orphaned);
            scheduler.skew(skew);
            Stores.Ports ports = stores.portsFor(scheduler);
            Orchestrator[] built = new Orchestrator[1];
            Orchestrator orchestrator = Orchestrator.builder()
                    .locks(ports.locks()).state(ports.state()).history(ports.history()).outbox(ports.outbox())
                    .ai(new SimulatedAi(world, stores, checker, conditions, plan.tuning().longestAnswer()))
                    .pancake(new SimulatedPancake(world, checker, conditions))
                    .events(promises.events(() -> built[0].aiRefusal(), scheduler.clock()))
                    .settings(settings).scheduler(scheduler).build();
            built[0] = orchestrator;
            ChatJobs chatJobs = new ChatJobs(orchestrator, ports.jobs(), ports.history(), scheduler.clock(),
                    Duration.ofHours(6));
            Administration administration = new Administration(ports.locks(), ports.state(), ports.outbox(),
                    List.of(), scheduler.clock(), settings.lockTtl(), 1_000, orchestrator::aiRefusal);
            current = new Incarnation(scheduler, orchestrator, chatJobs, administration);
        }

        void crash() {
            current.scheduler.kill();
            current = null;
        }
    }

    static String replayCommand(long seed) {
        return "./build -B -ntp -pl simulation -am test -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dsimulation.seed=" + seed;
    }

    static List<Long> seeds(long first, int count) {
        return IntStream.range(0, count).mapToObj(i -> first + i).toList();
    }
}
