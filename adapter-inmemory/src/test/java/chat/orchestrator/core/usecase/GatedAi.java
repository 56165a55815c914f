package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An AI that blocks each call until the test lets it answer: {@link #awaitCall} returns once a call is waiting,
 * {@link #answer} lets one call go on with the given answer (or the exception it throws).
 */
final class GatedAi implements AiPort {
    private final Semaphore calls = new Semaphore(0);
    private final Semaphore answers = new Semaphore(0);
    private final List<ConversationContext> contexts = new CopyOnWriteArrayList<>();
    private volatile Function<ConversationContext, AiReply> reply = WorkerRig::echo;

    @Override
    public AiReply answer(ConversationContext context) {
        contexts.add(context);
        calls.release();
        try {
            if (!answers.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the AI answer");
            }
        } catch (InterruptedException cancelled) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("AI call interrupted", cancelled);
        }
        return reply.apply(context);
    }

    /** Waits (bounded) until a call is blocked in the AI; fails the test if none comes. */
    void awaitCall() throws InterruptedException {
        if (!calls.tryAcquire(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the AI was never called");
        }
    }

    void answer(Function<ConversationContext, AiReply> next) {
        reply = next;
        answers.release();
    }

    void answer() {
        answer(WorkerRig::echo);
    }

    List<ConversationContext> contexts() {
        return List.copyOf(contexts);
    }
}
