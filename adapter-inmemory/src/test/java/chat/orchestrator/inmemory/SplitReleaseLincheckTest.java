package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static chat.orchestrator.inmemory.LincheckBudget.call;
import static chat.orchestrator.inmemory.LincheckBudget.scenario;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Lincheck tests pass only if they could fail: this one checks a release split in two steps (read the pending
 * set, then release) with the same fixed scenario and budget as {@link LocksAndStateLincheckTest}, and expects
 * Lincheck to report the interleaving where a message accepted in between is left pending with the lock free.
 */
public class SplitReleaseLincheckTest {
    private static final ConversationId CONVERSATION = ConversationId.of("conv_a");
    private static final InboundMessage MESSAGE = TestMessages.message(CONVERSATION, "msg_0", 0, "hi");

    private final InMemoryStore store = new InMemoryStore(Clock.fixed(TestMessages.BASE, ZoneOffset.UTC));
    private final InMemoryLocks locks = new InMemoryLocks(store);
    private final InMemoryState state = new InMemoryState(store);
    private Lease held;

    @Operation
    public boolean tryAcquire() {
        Optional<Lease> lease = locks.tryAcquire(CONVERSATION, Duration.ofSeconds(30));
        lease.ifPresent(l -> held = l);
        return lease.isPresent();
    }

    @Operation
    public String releaseInTwoSteps() {
        return state.pendingIds(CONVERSATION).isEmpty() ? String.valueOf(locks.release(held)) : "pending";
    }

    @Operation
    public AcceptOutcome accept() {
        return state.accept(MESSAGE);
    }

    @Operation
    public boolean locked() {
        return locks.inspect(CONVERSATION).isPresent();
    }

    @Test
    void lincheckFindsTheInterleavingThatStrandsAMessage() {
        Class<?> test = getClass();
        LincheckAssertionError error = assertThrows(LincheckAssertionError.class, () -> LincheckBudget.options()
                .iterations(0)
                .addCustomScenario(scenario(List.of(call(test, "tryAcquire")),
                        List.of(call(test, "releaseInTwoSteps")),
                        List.of(call(test, "accept"), call(test, "locked"))))
                .check(test));
        assertTrue(error.getMessage().contains("Invalid execution results"), error.getMessage());
    }
}
