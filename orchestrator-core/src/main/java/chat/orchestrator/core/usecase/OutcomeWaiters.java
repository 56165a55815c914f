package chat.orchestrator.core.usecase;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Callers of this instance waiting for the outcome that covers their message, keyed by conversation and id. */
public final class OutcomeWaiters {
    private final Map<Key, CompletableFuture<MessageOutcome>> waiting = new ConcurrentHashMap<>();

    private record Key(ConversationId conversationId, MessageId messageId) {
    }

    /** Registers interest in a message's outcome; the future completes when a worker decides it. */
    public CompletableFuture<MessageOutcome> await(ConversationId conversationId, MessageId messageId) {
        return waiting.computeIfAbsent(new Key(conversationId, messageId), key -> new CompletableFuture<>());
    }

    /** Gives up waiting (the caller timed out); a later outcome is then simply dropped. */
    public void forget(ConversationId conversationId, MessageId messageId) {
        waiting.remove(new Key(conversationId, messageId));
    }

    /** Tells every waiter among {@code ids} its outcome. */
    public void complete(ConversationId conversationId, Collection<MessageId> ids,
                         Function<MessageId, MessageOutcome> outcome) {
        for (MessageId id : ids) {
            CompletableFuture<MessageOutcome> future = waiting.remove(new Key(conversationId, id));
            if (future != null) {
                future.complete(outcome.apply(id));
            }
        }
    }

    /** Tells every waiter of the conversation its outcome, when the worker stops for good. */
    public void completeAll(ConversationId conversationId, Function<MessageId, MessageOutcome> outcome) {
        complete(conversationId, waiting.keySet().stream()
                .filter(key -> key.conversationId().equals(conversationId))
                .map(Key::messageId)
                .toList(), outcome);
    }
}
