package chat.orchestrator.simulation;

import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiRejectedException;
import chat.orchestrator.core.port.AiUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The AI as the instances see it: answers after a latency, or fails, or refuses, or transfers to a person, as the
 * plan's AI faults say. Each answer carries a tag, so the checker can tell which burst and which moment made it.
 */
final class SimulatedAi implements AiPort {
    /** The model every answer names. */
    static final String MODEL = "sim-model";
    /** What the AI says when it refuses. */
    static final String REFUSAL = "401 invalid api key (simulated)";
    private final World world;
    private final Stores stores;
    private final Checker checker;
    private final Conditions conditions;
    /** The longest an answer takes while the AI is not slow by a fault. */
    private final Duration longest;

    SimulatedAi(World world, Stores stores, Checker checker, Conditions conditions, Duration longest) {
        this.longest = longest;
        this.world = world;
        this.stores = stores;
        this.checker = checker;
        this.conditions = conditions;
    }

    @Override
    public AiReply answer(ConversationContext context) {
        if (stores.promises != null && world.current().parent != null) {
            stores.promises.aiCalled(world.current().parent, context.conversationId());
        }
        long latencyMillis = conditions.aiSlow(world.now()) ? 20_000 + world.random().nextInt(40_000)
                : 50 + world.random().nextInt((int) longest.toMillis() - 50);
        world.block(() -> false, world.now() + Duration.ofMillis(latencyMillis).toNanos());
        if (Thread.currentThread().isInterrupted()) {
            throw new AiUnavailableException("interrupted: the caller no longer wants this answer");
        }
        if (conditions.aiRefusing(world.now())) {
            throw new AiRejectedException(REFUSAL);
        }
        if (conditions.aiFailing(world.now()) || world.random().nextDouble() < conditions.aiFailRate()) {
            throw new AiUnavailableException("503 overloaded (simulated)");
        }
        String tag = "r" + conditions.nextAnswer();
        Set<MessageId> burst = context.burst().stream().map(InboundMessage::id).collect(Collectors.toSet());
        Set<MessageId> newer = new HashSet<>(stores.rawState().pendingIds(context.conversationId()));
        newer.removeAll(burst);
        checker.answerGiven(tag, new Checker.Answer(context.conversationId(), burst, newer));
        List<Action> actions = new ArrayList<>();
        int parts = 1 + world.random().nextInt(3);
        for (int i = 0; i < parts; i++) {
            actions.add(new Action.SendMessage(tag + " part " + i));
        }
        if (world.random().nextDouble() < conditions.transferRate()) {
            actions.add(new Action.TransferToAgent("customer asks for a person", tag + " a colleague will answer"));
        }
        String ids = context.burst().stream().map(m -> m.id().value()).collect(Collectors.joining(","));
        return new AiReply(tag + " to " + ids, "simulated", 0.9, Map.of(), MODEL, Duration.ZERO, actions);
    }
}
