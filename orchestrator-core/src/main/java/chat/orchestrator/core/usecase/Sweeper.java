package chat.orchestrator.core.usecase;

import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.StatePort;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Recovery (docs/design.md, "The life of one message", step 9): finds every conversation whose messages wait with no
 * holder (the holder died, its AI call failed and nobody retried, or the state store lost them) and takes its lock like
 * any request, starting the worker. Durable history is the source: it pages through all conversations with messages no
 * answer has consumed, whatever the state store says, puts those messages back into the pending set, and tries the
 * lock. Safe on every instance at once: the lock decides who works, and a worker drops from its batch whatever history
 * shows answered.
 */
public final class Sweeper {
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

    private final LockPort locks;
    private final StatePort state;
    private final HistoryPort history;
    private final Predicate<Lease> startWorker;
    private final Scheduler scheduler;
    private final Duration lockTtl;
    private final int pageSize;
    private final int messagesPerConversation;
    private final AiRefusals refusals;
    private final LifecycleEvents events;

    Sweeper(LockPort locks, StatePort state, HistoryPort history, Predicate<Lease> startWorker, Scheduler scheduler,
            Duration lockTtl, int pageSize, int messagesPerConversation, AiRefusals refusals, LifecycleEvents events) {
        this.refusals = refusals;
        this.locks = locks;
        this.state = state;
        this.history = history;
        this.startWorker = startWorker;
        this.scheduler = scheduler;
        this.lockTtl = lockTtl;
        this.pageSize = pageSize;
        this.messagesPerConversation = messagesPerConversation;
        this.events = events;
    }

    /**
     * One pass over every conversation with messages waiting; answers how many it started a worker for. A pass that
     * begins while the AI refuses (misconfigured) starts one conversation, a probe: calling the AI for every waiting
     * conversation on every pass would only collect the same refusal many times over.
     */
    public int sweepOnce() {
        // Unanswered without a holder is normal for a moment (between record and the lock attempt, or while a
        // holder works): only a message recorded a whole lock TTL ago is one nobody may be coming for.
        Instant recordedBefore = scheduler.clock().instant().minus(lockTtl);
        // Decided once per pass, so a pass is either a probe or a full sweep, whatever the probe's call does meanwhile.
        boolean probeOnly = refusals.refusing();
        int started = 0;
        Optional<ConversationId> after = Optional.empty();
        while (true) {
            List<ConversationId> page = history.conversationsWithUnanswered(recordedBefore, after, pageSize);
            for (ConversationId conversation : page) {
                if (probeOnly && started > 0) {
                    return started;
                }
                started += take(conversation) ? 1 : 0;
            }
            if (page.size() < pageSize) {
                return started;
            }
            after = Optional.of(page.getLast());
        }
    }

    private boolean take(ConversationId conversation) {
        if (locks.inspect(conversation).isPresent()) {
            // A holder works on it; its release check sees whatever is pending. What the store lost, a later sweep
            // puts back once the holder is gone.
            return false;
        }
        int requeued = 0;
        for (InboundMessage message : history.unanswered(conversation, messagesPerConversation)) {
            requeued += state.requeue(message) ? 1 : 0;
        }
        long attempt = scheduler.nanoTime();
        Optional<Lease> lease = locks.tryAcquire(conversation, lockTtl);
        events.lockAttempted(conversation, lease.isPresent(), Duration.ofNanos(scheduler.nanoTime() - attempt));
        if (lease.isEmpty()) {
            return false;
        }
        LOG.log(Level.INFO, "conversation={0} swept: messages waited with no holder ({1} put back into pending)",
                conversation, requeued);
        boolean started = startWorker.test(lease.get());
        if (started) {
            events.conversationRecovered(conversation);
        }
        return started;
    }
}
