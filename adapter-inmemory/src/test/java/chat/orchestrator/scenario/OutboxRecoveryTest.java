package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import chat.orchestrator.inmemory.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 2 when a holder dies between storing an answer and delivering it: the outbox delivers it, once. */
class OutboxRecoveryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

    @Test
    void anAnswerStoredByAHolderThatDiedBeforeDelivering_isDeliveredOnceWithItsOwnKey() {
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), Harness::echo)) {
            ConversationId conversation = newConversation();
            InboundMessage hello = message(conversation, "m1", 0, "Xin chào");
            harness.history.record(hello);
            AiRun stored = new AiRun(RunId.random(), conversation, new FencingToken(1), List.of(hello.id()),
                    Harness.echo(new chat.orchestrator.core.domain.ConversationContext(conversation, List.of(), List.of(hello))),
                    clock.instant());
            harness.history.recordAnswer(stored);

            assertEquals(0, harness.orchestrator.redeliver(), "its holder may still be delivering it");
            clock.advance(Harness.FAST.lockTtl().multipliedBy(2).plusSeconds(1));
            assertEquals(1, harness.orchestrator.redeliver());
            assertEquals(0, harness.orchestrator.redeliver(), "delivered: never again");

            assertEquals(1, harness.pancake.deliveries().size());
            assertEquals(stored.id().toString(), harness.pancake.deliveries().getFirst().idempotencyKey());
            assertEquals(stored.finishedAt(), harness.pancake.deliveries().getFirst().answeredAt());
            assertTrue(harness.history.delivery(conversation, stored.id()).orElseThrow().allDelivered());
        }
    }

    @Test
    void answersDeliveredByTheirHolder_areNeverDeliveredAgain() {
        try (Harness harness = new Harness(clock, Harness.FAST.withSweepInterval(Duration.ZERO), Harness::echo)) {
            harness.orchestrator.handle(message(newConversation(), "m1", 0, "Xin chào"));
            clock.advance(Duration.ofHours(1));

            assertEquals(0, harness.orchestrator.redeliver());
            assertEquals(1, harness.pancake.deliveries().size());
        }
    }
}
