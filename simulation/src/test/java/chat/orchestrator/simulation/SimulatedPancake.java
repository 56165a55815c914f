package chat.orchestrator.simulation;

import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.PancakePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pancake as the instances see it, in either delivery mode. Callback mode sends the whole answer in one request
 * under its idempotency key; public-API mode sends action by action, skipping those an earlier attempt delivered.
 * Down, slow, rate-limiting, a callback whose response is lost (the key makes its repeat harmless), a connection
 * that breaks after part of an answer went out, and an adapter that throws, as the plan says. A public-API request
 * whose response is lost is not simulated: without a key Pancake would show it twice, and no sender can avoid that
 * (docs/reliability.md). Every request that reaches Pancake is told to the checker.
 */
final class SimulatedPancake implements PancakePort {
    enum Mode { CALLBACK, PUBLIC_API }

    private final World world;
    private final Checker checker;
    private final Conditions conditions;

    SimulatedPancake(World world, Checker checker, Conditions conditions) {
        this.world = world;
        this.checker = checker;
        this.conditions = conditions;
    }

    @Override
    public DeliveryReport deliver(Delivery delivery) {
        int size = delivery.actions().size();
        List<ActionDelivery> report = new ArrayList<>();
        if (conditions.pancakeDown(world.now())) {
            pause(200);
            return undelivered(delivery, report, 0, "503 Pancake unavailable (simulated)", Optional.empty());
        }
        if (conditions.pancakeRejecting(world.now())) {
            pause(100);
            conditions.rejected.add(delivery.runId());
            int first = (int) java.util.stream.IntStream.range(0, size)
                    .filter(i -> delivery.deliveredActions().contains(i)).count();
            List<ActionDelivery> refused = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Status status = delivery.deliveredActions().contains(i) ? Status.DELIVERED
                        : i == first ? Status.REJECTED : Status.PENDING;
                refused.add(new ActionDelivery(i, delivery.actions().get(i).type(), status, status == Status.DELIVERED
                        ? 0 : 1, status == Status.REJECTED ? "403 outside the messaging window (simulated)" : ""));
            }
            return new DeliveryReport(refused);
        }
        if (conditions.pancakeLimiting(world.now())) {
            pause(100);
            return undelivered(delivery, report, 0, "4029 rate limited (simulated)",
                    Optional.of(Duration.ofSeconds(30)));
        }
        if (conditions.mode() == Mode.CALLBACK) {
            if (!pause(20 + world.random().nextInt(conditions.pancakeSlow(world.now()) ? 90_000 : 2_000))) {
                return interrupted(delivery, report, 0);
            }
            checker.answerSent(delivery, delivery.idempotencyKey() + "|" + delivery.reply() + "|"
                    + delivery.answeredAt() + "|" + delivery.pageId());
            if (world.random().nextDouble() < conditions.lostResponseRate()) {
                return undelivered(delivery, report, 0, "timeout reading the response (simulated)", Optional.empty());
            }
            return DeliveryReport.everyActionDelivered(delivery.actions());
        }
        if (world.random().nextDouble() < conditions.brokenConnectionRate() / 2) {
            // An adapter that throws, against its port's promise, before anything went out: the core must cope.
            throw new IllegalStateException("adapter failed before sending (simulated)");
        }
        for (int i = 0; i < size; i++) {
            if (delivery.deliveredActions().contains(i)) {
                report.add(new ActionDelivery(i, delivery.actions().get(i).type(), Status.DELIVERED, 0, ""));
                continue;
            }
            if (!pause(20 + world.random().nextInt(conditions.pancakeSlow(world.now()) ? 40_000 : 1_500))) {
                if (world.random().nextBoolean()) {
                    // Interrupted mid-request: the request had reached Pancake, the answer to it is lost.
                    checker.actionSent(delivery, i, true);
                    world.note("pancake got action " + i + " of " + delivery.runId() + " (sender interrupted)");
                }
                return interrupted(delivery, report, i);
            }
            if (i > 0 && world.random().nextDouble() < conditions.brokenConnectionRate()) {
                // The connection breaks before this action's request is sent: what went out is reported delivered.
                return undelivered(delivery, report, i, "connection reset (simulated)", Optional.empty());
            }
            checker.actionSent(delivery, i, false);
            world.note("pancake got action " + i + " of " + delivery.runId());
            report.add(new ActionDelivery(i, delivery.actions().get(i).type(), Status.DELIVERED, 1, ""));
        }
        return new DeliveryReport(report);
    }

    /** Waits as a request takes; false when interrupted (the flag stays set, as an HTTP client leaves it). */
    private boolean pause(int millis) {
        world.block(() -> false, world.now() + Duration.ofMillis(millis).toNanos());
        return !Thread.currentThread().isInterrupted();
    }

    private static DeliveryReport interrupted(Delivery delivery, List<ActionDelivery> report, int from) {
        return undelivered(delivery, report, from, "interrupted", Optional.empty());
    }

    private static DeliveryReport undelivered(Delivery delivery, List<ActionDelivery> report, int from, String error,
                                              Optional<Duration> retryAfter) {
        for (int i = from; i < delivery.actions().size(); i++) {
            Status status = delivery.deliveredActions().contains(i) ? Status.DELIVERED : Status.PENDING;
            report.add(new ActionDelivery(i, delivery.actions().get(i).type(), status, status == Status.PENDING ? 1 : 0,
                    status == Status.PENDING ? error : ""));
        }
        return new DeliveryReport(report, retryAfter);
    }
}
