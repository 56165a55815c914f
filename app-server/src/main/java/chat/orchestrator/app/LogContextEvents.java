package chat.orchestrator.app;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.LifecycleEvents;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.http.context.LogContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Puts the ids the core works on into the {@link LogContext} of the thread doing the work, so every log line there
 * (the core's, the AI and Pancake clients') carries them as fields, then tells {@code next}. Only events told on
 * threads whose context ends with their work set ids: a request's thread (its scope ends with the request) and a
 * worker's thread (one per run of the worker); the sweeper's and dispatcher's long-lived threads are left alone.
 */
final class LogContextEvents implements LifecycleEvents {
    private final LifecycleEvents next;

    LogContextEvents(LifecycleEvents next) {
        this.next = next;
    }

    @Override
    public void messageReceived(InboundMessage message) {
        LogContext.put(LogContext.CONVERSATION_ID, message.conversationId().value());
        LogContext.put(LogContext.MESSAGE_ID, message.id().value());
        next.messageReceived(message);
    }

    @Override
    public void workerStarted(ConversationId conversation) {
        // A worker the sweeper started inherits nothing; one a request started keeps that request's ids.
        LogContext.put(LogContext.CONVERSATION_ID, conversation.value());
        next.workerStarted(conversation);
    }

    @Override
    public void burstAnswered(ConversationId conversation, RunId run, int messages) {
        LogContext.put(LogContext.RUN_ID, run.toString());
        next.burstAnswered(conversation, run, messages);
    }

    @Override
    public void messageHandled(InboundMessage message, MessageOutcome outcome) {
        next.messageHandled(message, outcome);
    }

    @Override
    public void messageSubmitted(InboundMessage message, Submission submission) {
        next.messageSubmitted(message, submission);
    }

    @Override
    public void lockAttempted(ConversationId conversation, boolean acquired, Duration took) {
        next.lockAttempted(conversation, acquired, took);
    }

    @Override
    public void workerStopped(ConversationId conversation, Duration held) {
        next.workerStopped(conversation, held);
    }

    @Override
    public void aiCallEnded(ConversationId conversation, AiCallEnd end, Optional<String> model, Duration took) {
        next.aiCallEnded(conversation, end, model, took);
    }

    @Override
    public void staleAnswerDiscarded(ConversationId conversation) {
        next.staleAnswerDiscarded(conversation);
    }

    @Override
    public void deliveryAttempted(ConversationId conversation, RunId run, DeliveryState state) {
        next.deliveryAttempted(conversation, run, state);
    }

    @Override
    public void conversationRecovered(ConversationId conversation) {
        next.conversationRecovered(conversation);
    }

    @Override
    public void handedOff(ConversationId conversation, Handoff.By by) {
        next.handedOff(conversation, by);
    }
}
