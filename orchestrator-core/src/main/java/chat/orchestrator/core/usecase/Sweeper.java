package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.ConversationState;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.StatePort;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Recovery (SPEC step 9): finds conversations whose messages wait with no holder (the holder died, or its AI call
 * failed and nobody retried) and takes their lock like any request, starting the worker. Also puts back into the
 * pending set what durable history holds unanswered and the state store lost (Redis restarted empty, a pending
 * set expired while the AI was down). Safe on every instance at once: the lock decides who works, and a worker
 * drops from its batch whatever history shows answered.
 */
public final class Sweeper {
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

    private final LockPort locks;
    private final StatePort state;
    private final HistoryPort history;
    private final Consumer<Lease> startWorker;
    private final Clock clock;
    private final Duration lockTtl;
    private final int scanLimit;

    Sweeper(LockPort locks, StatePort state, HistoryPort history, Consumer<Lease> startWorker, Clock clock,
            Duration lockTtl, int scanLimit) {
        this.locks = locks;
        this.state = state;
        this.history = history;
        this.startWorker = startWorker;
        this.clock = clock;
        this.lockTtl = lockTtl;
        this.scanLimit = scanLimit;
    }

    /** One pass; answers how many conversations it started a worker for. */
    public int sweepOnce() {
        // Pending without a holder is normal for a moment (between accept and the lock attempt): only a
        // conversation quiet for a whole lock TTL is one nobody is coming for.
        Instant quietSince = clock.instant().minus(lockTtl);
        int started = requeueWhatTheStateStoreLost(quietSince);
        for (ConversationState conversation : state.conversations(0, scanLimit).conversations()) {
            if (conversation.pendingMessages() == 0 || conversation.updatedAt().isAfter(quietSince)) {
                continue;
            }
            Optional<Lease> lease = locks.tryAcquire(conversation.conversationId(), lockTtl);
            if (lease.isPresent()) {
                LOG.log(Level.INFO, "conversation={0} swept: {1} message(s) waited with no holder",
                        conversation.conversationId(), conversation.pendingMessages());
                startWorker.accept(lease.get());
                started++;
            }
        }
        return started;
    }

    private int requeueWhatTheStateStoreLost(Instant quietSince) {
        Set<ConversationId> requeued = new LinkedHashSet<>();
        for (ConversationId conversation : history.conversationsWithUnanswered(quietSince, Optional.empty(), scanLimit)) {
            for (InboundMessage message : history.unanswered(conversation, scanLimit)) {
                if (state.requeue(message)) {
                    requeued.add(message.conversationId());
                }
            }
        }
        int started = 0;
        for (ConversationId conversation : requeued) {
            LOG.log(Level.WARNING, "conversation={0} had unanswered messages the state store had lost; requeued",
                    conversation);
            Optional<Lease> lease = locks.tryAcquire(conversation, lockTtl);
            if (lease.isPresent()) {
                startWorker.accept(lease.get());
                started++;
            }
        }
        return started;
    }
}
