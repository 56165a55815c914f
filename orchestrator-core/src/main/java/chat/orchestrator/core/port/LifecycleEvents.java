package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import java.time.Duration;
import java.util.Optional;

/**
 * What happens in a message's lifecycle, told as it happens for metrics and log context; every method does nothing
 * unless overridden. Each is called on the thread doing that work (so an implementation may tag the thread's log
 * lines), must return quickly and must not throw: the use cases do not guard against it.
 */
public interface LifecycleEvents {
    /** Tells nothing to no one: the default when nobody listens. */
    LifecycleEvents NONE = new LifecycleEvents() {
    };

    /** How one guarded AI call ended. */
    enum AiCallEnd {
        /** The AI answered and the lease was still held afterwards. */
        ANSWERED,
        /** The AI failed; the burst stays pending. */
        FAILED,
        /** The AI refused the request (a misconfiguration: bad key, unknown model); the burst stays pending. */
        REJECTED,
        /** A newer message arrived and the call was cancelled ({@code AI_CANCEL_ON_NEWER_MESSAGE}). */
        CANCELLED,
        /** The lease was lost during the call; its answer is not used. */
        LEASE_LOST
    }

    /** A caller hands in {@code message}, before anything is recorded; on the caller's thread. */
    default void messageReceived(InboundMessage message) {
    }

    /** A synchronous caller's message came to {@code outcome}, the one it is answered with. */
    default void messageHandled(InboundMessage message, MessageOutcome outcome) {
    }

    /** An asynchronous caller's message was submitted: decided at once, or started in a worker. */
    default void messageSubmitted(InboundMessage message, Submission submission) {
    }

    /** One attempt to take a conversation's lock, by a request or the sweeper, and how long the store took. */
    default void lockAttempted(ConversationId conversation, boolean acquired, Duration took) {
    }

    /** A worker starts on the conversation it holds the lock of; on the worker's thread. */
    default void workerStarted(ConversationId conversation) {
    }

    /** The worker stopped after holding the lock for {@code held}: released, lost or given up. */
    default void workerStopped(ConversationId conversation, Duration held) {
    }

    /** One AI call ended; {@code model} is what the AI named in its answer, absent when it did not answer. */
    default void aiCallEnded(ConversationId conversation, AiCallEnd end, Optional<String> model, Duration took) {
    }

    /** A fresh answer to {@code messages} consolidated messages was stored under run {@code run}. */
    default void burstAnswered(ConversationId conversation, RunId run, int messages) {
    }

    /** An answer went stale (newer messages arrived during the call) and was discarded, never sent. */
    default void staleAnswerDiscarded(ConversationId conversation) {
    }

    /** One delivery attempt of run {@code run} was recorded with the state it left the answer in. */
    default void deliveryAttempted(ConversationId conversation, RunId run, DeliveryState state) {
    }

    /** The conversation was handed off to people (stored), by the AI's answer or an operator. */
    default void handedOff(ConversationId conversation, Handoff.By by) {
    }

    /**
     * The AI's transfer answer of run {@code transfer} ended {@code how} (REJECTED or DEAD_LETTER) without reaching
     * Pancake, so no person was told: the hand-off it made was lifted and the messages people were given are the
     * bot's to answer again (see {@link OutboxPort#recordAttempt}).
     */
    default void handoffLifted(ConversationId conversationId, RunId transfer, DeliveryState how) {
    }

    /** The sweeper found the conversation's messages waiting with no holder and started a worker for them. */
    default void conversationRecovered(ConversationId conversation) {
    }
}
