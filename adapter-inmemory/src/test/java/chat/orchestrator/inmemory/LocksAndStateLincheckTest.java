package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AcceptOutcome;
import chat.orchestrator.core.port.Admission;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.LeaseCheck;
import chat.orchestrator.core.port.PendingSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import static chat.orchestrator.inmemory.LincheckBudget.call;
import static chat.orchestrator.inmemory.LincheckBudget.scenario;

/**
 * Lincheck explores interleavings of these operations on one {@link InMemoryStore} and fails unless every outcome
 * matches some one-at-a-time order of them: the lock and the pending set must change together, or a worker could
 * release the lock while a message it never saw waits (releaseIfNoPending racing accept).
 *
 * <p>A lease is its holder's: each thread keeps the last lease it acquired per conversation, indexed by the
 * {@link ThreadIdGen} parameter, so the sequential replay hands every lease back to the same actor. Owner tokens are
 * random, so results carry fencing tokens, never owners. The clock stands still so expiry is decided by the TTL
 * alone: a zero TTL is a lease that has already run out.
 */
@Param(name = "thread", gen = ThreadIdGen.class)
@Param(name = "conversation", gen = IntGen.class, conf = "0:1")
@Param(name = "message", gen = IntGen.class, conf = "0:2")
public class LocksAndStateLincheckTest {
    /** Room for the threads of any budget (LincheckBudget), and one slot for actors outside the parallel part. */
    private static final int SLOTS = 8;
    private static final ConversationId[] CONVERSATIONS = {ConversationId.of("conv_a"), ConversationId.of("conv_b")};
    private static final Duration LIVE = Duration.ofSeconds(30);
    /** Built once: building them inside an operation would make Lincheck explore the builders too. */
    private static final InboundMessage[][] MESSAGES = new InboundMessage[CONVERSATIONS.length][3];
    private static final List<Set<MessageId>> IDS = List.of(Set.of(MessageId.of("msg_0")),
            Set.of(MessageId.of("msg_1")), Set.of(MessageId.of("msg_2")));

    static {
        for (int c = 0; c < CONVERSATIONS.length; c++) {
            for (int m = 0; m < 3; m++) {
                // Message m has the same id and timestamp in every conversation: ids collide across them as they may.
                MESSAGES[c][m] = TestMessages.message(CONVERSATIONS[c], "msg_" + m, m * 1_000L, "hi " + m);
            }
        }
    }

    private final InMemoryStore store = new InMemoryStore(Clock.fixed(TestMessages.BASE, ZoneOffset.UTC));
    private final InMemoryLocks locks = new InMemoryLocks(store);
    private final InMemoryState state = new InMemoryState(store);
    private final Lease[][] held = new Lease[SLOTS][CONVERSATIONS.length];

    @Operation
    public long tryAcquire(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation,
                           boolean live) {
        Optional<Lease> lease = locks.tryAcquire(CONVERSATIONS[conversation], live ? LIVE : Duration.ZERO);
        lease.ifPresent(l -> held[slot(thread)][conversation] = l);
        return lease.map(l -> l.fencingToken().value()).orElse(-1L);
    }

    @Operation
    public String renew(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation,
                        boolean live) {
        Lease lease = held[slot(thread)][conversation];
        return lease == null ? "no lease" : String.valueOf(locks.renew(lease, live ? LIVE : Duration.ZERO));
    }

    @Operation
    public String release(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation) {
        Lease lease = held[slot(thread)][conversation];
        return lease == null ? "no lease" : String.valueOf(locks.release(lease));
    }

    @Operation
    public String releaseIfNoPending(@Param(name = "thread") int thread,
                                     @Param(name = "conversation") int conversation) {
        Lease lease = held[slot(thread)][conversation];
        return lease == null ? "no lease" : locks.releaseIfNoPending(lease).name();
    }

    /** What a worker does with the burst it answered: removes those ids, and only while it holds the lease. */
    @Operation
    public String removePending(@Param(name = "thread") int thread, @Param(name = "conversation") int conversation,
                                @Param(name = "message") int message) {
        Lease lease = held[slot(thread)][conversation];
        return lease == null ? "no lease"
                : String.valueOf(state.removePending(lease, IDS.get(message)));
    }

    /** The hot path's admission: accept, then the lock attempt, one step; the outcome without the random owner. */
    @Operation
    public String acceptAndTryAcquire(@Param(name = "thread") int thread,
                                      @Param(name = "conversation") int conversation,
                                      @Param(name = "message") int message) {
        Admission admission = locks.acceptAndTryAcquire(MESSAGES[conversation][message], LIVE);
        admission.lease().ifPresent(l -> held[slot(thread)][conversation] = l);
        return admission.accept() + "/" + admission.lease().map(l -> l.fencingToken().value()).orElse(-1L);
    }

    /** The check after the AI: renewed with every pending id (sorted, to print alike), or lost. */
    @Operation
    public String renewReadingPending(@Param(name = "thread") int thread,
                                      @Param(name = "conversation") int conversation) {
        Lease lease = held[slot(thread)][conversation];
        if (lease == null) {
            return "no lease";
        }
        return switch (locks.renewReadingPending(lease, LIVE)) {
            case LeaseCheck.Held renewed -> new TreeSet<>(renewed.pendingIds().stream().map(MessageId::value).toList())
                    .toString();
            case LeaseCheck.Lost lost -> "lost";
        };
    }

    @Operation
    public String removeAndReleaseIfNoPending(@Param(name = "thread") int thread,
                                              @Param(name = "conversation") int conversation,
                                              @Param(name = "message") int message) {
        Lease lease = held[slot(thread)][conversation];
        return lease == null ? "no lease" : locks.removeAndReleaseIfNoPending(lease, IDS.get(message)).name();
    }

    @Operation
    public boolean forceRelease(@Param(name = "conversation") int conversation) {
        return locks.forceRelease(CONVERSATIONS[conversation]);
    }

    @Operation
    public void raiseFencingFloor(@Param(name = "conversation") int conversation,
                                  @Param(name = "message") int floor) {
        locks.raiseFencingFloor(CONVERSATIONS[conversation], new FencingToken(floor + 1));
    }

    /** The token and time left of the lock as an admin sees it; the owner is random, so it is left out. */
    @Operation
    public String inspect(@Param(name = "conversation") int conversation) {
        return locks.inspect(CONVERSATIONS[conversation])
                .map(info -> info.fencingToken().value() + "/" + info.remainingTtl())
                .orElse("free");
    }

    @Operation
    public AcceptOutcome accept(@Param(name = "conversation") int conversation,
                                @Param(name = "message") int message) {
        return state.accept(MESSAGES[conversation][message]);
    }

    @Operation
    public boolean requeue(@Param(name = "conversation") int conversation, @Param(name = "message") int message) {
        return state.requeue(MESSAGES[conversation][message]);
    }

    @Operation
    public PendingSnapshot snapshot(@Param(name = "conversation") int conversation) {
        return state.snapshot(CONVERSATIONS[conversation], 2);
    }

    /** Sorted, so two equal sets print alike in Lincheck's report. */
    @Operation
    public Set<MessageId> pendingIds(@Param(name = "conversation") int conversation) {
        Set<MessageId> ids = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        ids.addAll(state.pendingIds(CONVERSATIONS[conversation]));
        return ids;
    }

    @Test
    void everyInterleavingMatchesSomeSequentialOrder() {
        Class<?> test = getClass();
        LincheckBudget.options()
                // The race the shared store exists for: a message accepted while the holder releases stays covered.
                .addCustomScenario(scenario(List.of(call(test, "tryAcquire", 0, 0, true)),
                        List.of(call(test, "releaseIfNoPending", 0, 0)),
                        List.of(call(test, "accept", 0, 0), call(test, "inspect", 0))))
                // A holder removing its answered burst while another message arrives.
                .addCustomScenario(scenario(List.of(call(test, "tryAcquire", 0, 0, true), call(test, "accept", 0, 0)),
                        List.of(call(test, "removePending", 0, 0, 0), call(test, "releaseIfNoPending", 0, 0)),
                        List.of(call(test, "accept", 0, 1), call(test, "snapshot", 0))))
                // The hot path: a holder removing its answered burst and letting go, in one step, while a message is
                // admitted (accepted, then the lock tried): it is seen pending, or it gets the lock.
                .addCustomScenario(scenario(List.of(call(test, "acceptAndTryAcquire", 0, 0, 0)),
                        List.of(call(test, "renewReadingPending", 0, 0), call(test, "removeAndReleaseIfNoPending", 0, 0, 0)),
                        List.of(call(test, "acceptAndTryAcquire", 1, 0, 1), call(test, "inspect", 0))))
                // Two workers taking over a lease that ran out: one wins, with the next fencing token.
                .addCustomScenario(scenario(List.of(call(test, "tryAcquire", 0, 0, false)),
                        List.of(call(test, "tryAcquire", 0, 0, true), call(test, "release", 0, 0)),
                        List.of(call(test, "tryAcquire", 1, 0, true), call(test, "inspect", 0))))
                .check(test);
    }

    private static int slot(int thread) {
        return thread >= 0 && thread < SLOTS - 1 ? thread : SLOTS - 1;
    }
}
