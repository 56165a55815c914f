package chat.orchestrator.core.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A waiting caller is told only about its own message, once, and the first outcome it gets is the one it keeps. */
class WaitingCallerTest {
    private final MessageId own = MessageId.of("m2");
    private final WaitingCaller caller = new WaitingCaller(own);

    @Test
    void anOutcomeForOtherMessages_doesNotReachTheCaller() {
        WaitingCaller.completeIfAmong(Optional.of(caller), List.of(MessageId.of("m1")), MessageOutcome.Locked::new);

        assertFalse(caller.outcome().isDone());
    }

    @Test
    void anOutcomeCoveringItsMessage_reachesTheCaller() {
        WaitingCaller.completeIfAmong(Optional.of(caller), List.of(MessageId.of("m1"), own), MessageOutcome.Locked::new);

        assertEquals(new MessageOutcome.Locked(own), caller.outcome().join());
    }

    @Test
    void aCallerWithItsOutcome_isNotDecidedAgain_whenTheWorkerStops() {
        AtomicInteger decided = new AtomicInteger();
        WaitingCaller.completeIfWaiting(Optional.of(caller), MessageOutcome.Locked::new);

        WaitingCaller.completeIfWaiting(Optional.of(caller), id -> {
            decided.incrementAndGet();
            return new MessageOutcome.Failed(id, "internal error", false);
        });

        assertEquals(new MessageOutcome.Locked(own), caller.outcome().join());
        assertEquals(0, decided.get(), "the second outcome was not even worked out");
    }

    @Test
    void noCaller_isNothingToComplete() {
        AtomicInteger decided = new AtomicInteger();

        WaitingCaller.completeIfWaiting(Optional.empty(), id -> {
            decided.incrementAndGet();
            return new MessageOutcome.Locked(id);
        });

        assertEquals(0, decided.get());
    }
}
