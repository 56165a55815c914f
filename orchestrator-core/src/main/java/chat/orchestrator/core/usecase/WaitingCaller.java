package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The caller that started a worker, waiting for the outcome covering its message. Each worker has at most one, and
 * only that worker completes it: a worker never answers a caller of another conversation or another worker, and a
 * second caller of the same message id has its own.
 */
final class WaitingCaller {
    private final MessageId messageId;
    private final CompletableFuture<MessageOutcome> outcome = new CompletableFuture<>();

    WaitingCaller(MessageId messageId) {
        this.messageId = messageId;
    }

    CompletableFuture<MessageOutcome> outcome() {
        return outcome;
    }

    /** Completes the caller if its message is among {@code ids}. */
    static void completeIfAmong(Optional<WaitingCaller> caller, Collection<MessageId> ids,
                                Function<MessageId, MessageOutcome> decided) {
        caller.filter(c -> ids.contains(c.messageId)).ifPresent(c -> c.outcome.complete(decided.apply(c.messageId)));
    }

    /** Completes the caller with {@code decided} unless it already has its outcome (the worker stops). */
    static void completeIfWaiting(Optional<WaitingCaller> caller, Function<MessageId, MessageOutcome> decided) {
        caller.filter(c -> !c.outcome.isDone()).ifPresent(c -> c.outcome.complete(decided.apply(c.messageId)));
    }
}
