package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.ClaimedDelivery;
import chat.orchestrator.core.port.DeliveryAttempt;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.core.port.OutboxPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import static chat.orchestrator.inmemory.LincheckBudget.call;
import static chat.orchestrator.inmemory.LincheckBudget.scenario;

/**
 * The outbox's claims under every interleaving Lincheck explores: an answer is claimed by one claimer at a time, only
 * the head of its conversation is claimable, and recording an attempt takes effect only for the claim that still
 * holds it. Answers are stored by the same operation as in production ({@link InMemoryHistory#recordAnswer}), so
 * new heads appear while claims race.
 *
 * <p>Each thread keeps the last claim it got per conversation (indexed by the {@link ThreadIdGen} parameter), as a
 * dispatcher does; claim tokens are random, so results name the claimed answer by its message, never its token. The
 * clock stands still: a zero claim time is a claim that has already run out.
 */
@Param(name = "thread", gen = ThreadIdGen.class)
@Param(name = "conversation", gen = IntGen.class, conf = "0:1")
@Param(name = "message", gen = IntGen.class, conf = "0:2")
public class OutboxLincheckTest {
    /** Room for the threads of any budget (LincheckBudget), and one slot for actors outside the parallel part. */
    private static final int SLOTS = 8;
    private static final Instant NOW = TestMessages.BASE;
    private static final DeliveryAttempt DELIVERED = new DeliveryAttempt(new DeliveryReport(List.of()),
            DeliveryState.DELIVERED, NOW, NOW, true);

    private final InMemoryHistory history = new InMemoryHistory(Clock.fixed(NOW, ZoneOffset.UTC));
    private final OutboxPort outbox = history.outbox();
    private final ClaimedDelivery[][] held = new ClaimedDelivery[SLOTS][2];

    /** Records the message and stores an answer to it at once, so the outbox has something to hand out. */
    @Operation
    public String answer(@Param(name = "conversation") int conversation, @Param(name = "message") int message) {
        history.record(HistoryLincheckTest.message(conversation, message));
        return history.recordAnswer(HistoryLincheckTest.run(conversation, 1, message), NOW).toString();
    }

    @Operation
    public String claimNext(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation,
                            boolean live) {
        Optional<ClaimedDelivery> claim = outbox.claimNext(HistoryLincheckTest.conversation(conversation),
                live ? Duration.ofSeconds(30) : Duration.ZERO);
        claim.ifPresent(c -> held[slot(thread)][conversation] = c);
        return claim.map(OutboxLincheckTest::name).orElse("none");
    }

    @Operation
    public List<String> claimDue(@Param(name = "thread") int thread, boolean live) {
        List<ClaimedDelivery> claims = outbox.claimDue(live ? Duration.ofSeconds(30) : Duration.ZERO, 2);
        claims.forEach(c -> held[slot(thread)][c.delivery().conversationId().equals(
                HistoryLincheckTest.conversation(0)) ? 0 : 1] = c);
        return claims.stream().map(OutboxLincheckTest::name).toList();
    }

    @Operation
    public String renew(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation) {
        ClaimedDelivery claim = held[slot(thread)][conversation];
        return claim == null ? "no claim" : String.valueOf(outbox.renew(claim, Duration.ofSeconds(60)));
    }

    @Operation
    public String recordDelivered(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation) {
        ClaimedDelivery claim = held[slot(thread)][conversation];
        return claim == null ? "no claim" : String.valueOf(outbox.record(claim, DELIVERED));
    }

    @Operation
    public long pending() {
        return outbox.count(DeliveryState.PENDING);
    }

    @Test
    void everyInterleavingMatchesSomeSequentialOrder() {
        Class<?> test = getClass();
        LincheckBudget.options()
                // A holder claiming its fresh answer while a dispatcher sweeps: one of them gets it.
                .addCustomScenario(scenario(List.of(call(test, "answer", 0, 0)),
                        List.of(call(test, "claimNext", 0, 0, true), call(test, "recordDelivered", 0, 0)),
                        List.of(call(test, "claimDue", 1, true), call(test, "recordDelivered", 1, 0))))
                // A claim that ran out is taken over: only the live claim may record the attempt.
                .addCustomScenario(scenario(List.of(call(test, "answer", 0, 0)),
                        List.of(call(test, "claimNext", 0, 0, false), call(test, "recordDelivered", 0, 0)),
                        List.of(call(test, "claimNext", 1, 0, true), call(test, "renew", 1, 0))))
                .check(test);
    }

    private static String name(ClaimedDelivery claim) {
        return claim.delivery().conversationId().value() + "/" + claim.delivery().runId();
    }

    private static int slot(int thread) {
        return thread >= 0 && thread < SLOTS - 1 ? thread : SLOTS - 1;
    }
}
