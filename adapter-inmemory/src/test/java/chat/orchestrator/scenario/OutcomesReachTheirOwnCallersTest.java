package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.AiUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker tells its outcome to the caller that started it and to nobody else. */
class OutcomesReachTheirOwnCallersTest {

    @Test
    void oneConversationsAiFailure_failsOnlyItsOwnCaller_notAConcurrentCallerOfAnotherConversation() throws Exception {
        ConversationId failing = newConversation();
        ConversationId fine = newConversation();
        CountDownLatch fineAsking = new CountDownLatch(1);
        CountDownLatch failingDone = new CountDownLatch(1);
        try (Harness harness = new Harness(context -> {
            if (context.conversationId().equals(failing)) {
                throw new AiUnavailableException("model overloaded");
            }
            fineAsking.countDown();
            try {
                // Still asking while the other conversation's worker fails and stops.
                failingDone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Harness.echo(context);
        })) {
            CompletableFuture<MessageOutcome> fineOutcome = CompletableFuture.supplyAsync(
                    () -> harness.orchestrator.handle(message(fine, "f1", 0, "hello")));
            fineAsking.await(10, TimeUnit.SECONDS);

            MessageOutcome failed = harness.orchestrator.handle(message(failing, "x1", 0, "hello"));
            failingDone.countDown();

            assertInstanceOf(MessageOutcome.Failed.class, failed);
            assertInstanceOf(MessageOutcome.Completed.class, fineOutcome.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSecondCallerOfTheSameMessageId_getsAnAnswerOfItsOwn() throws Exception {
        ConversationId conversation = newConversation();
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Harness harness = new Harness(context -> {
            asking.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Harness.echo(context);
        })) {
            CompletableFuture<MessageOutcome> first = CompletableFuture.supplyAsync(
                    () -> harness.orchestrator.handle(message(conversation, "m1", 0, "hello")));
            asking.await(10, TimeUnit.SECONDS);

            MessageOutcome second = harness.orchestrator.handle(message(conversation, "m1", 0, "hello"));
            release.countDown();

            assertInstanceOf(MessageOutcome.Duplicate.class, second, "the platform's retry is told it is in hand");
            assertInstanceOf(MessageOutcome.Completed.class, first.get(10, TimeUnit.SECONDS));
        }
    }
}
