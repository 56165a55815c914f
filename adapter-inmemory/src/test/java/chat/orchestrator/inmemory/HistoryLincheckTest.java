package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencedWrite;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RecordOutcome;
import chat.orchestrator.core.port.RunId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import static chat.orchestrator.inmemory.LincheckBudget.call;
import static chat.orchestrator.inmemory.LincheckBudget.scenario;

/**
 * The fence of {@link InMemoryHistory} under every interleaving Lincheck explores: a holder's write is checked against
 * the highest token and raises it in one step, so of two holders racing, the older never commits after the newer
 * did, and no message is answered twice.
 */
@Param(name = "conversation", gen = IntGen.class, conf = "0:1")
@Param(name = "message", gen = IntGen.class, conf = "0:2")
@Param(name = "token", gen = IntGen.class, conf = "1:3")
public class HistoryLincheckTest {
    private static final ConversationId[] CONVERSATIONS = {ConversationId.of("conv_a"), ConversationId.of("conv_b")};
    private static final AiReply REPLY = TestMessages.reply("Dạ, em đặt lịch cho chị nhé.");
    private static final Set<MessageId> ALL = Set.of(MessageId.of("msg_0"), MessageId.of("msg_1"), MessageId.of("msg_2"));

    /** Built once per (conversation, token, message): building them inside an operation would be explored too. */
    private static final AiRun[][][] RUNS = new AiRun[CONVERSATIONS.length][4][3];
    private static final InboundMessage[][] MESSAGES = new InboundMessage[CONVERSATIONS.length][3];

    static {
        for (int c = 0; c < CONVERSATIONS.length; c++) {
            for (int m = 0; m < 3; m++) {
                MESSAGES[c][m] = TestMessages.message(CONVERSATIONS[c], "msg_" + m, m * 1_000L, "hi " + m);
                for (int token = 1; token < 4; token++) {
                    // The run id follows from what the run answers, so every replay stores the same one.
                    UUID id = UUID.nameUUIDFromBytes((c + "/" + token + "/" + m).getBytes(StandardCharsets.UTF_8));
                    RUNS[c][token][m] = new AiRun(new RunId(id), CONVERSATIONS[c], new FencingToken(token),
                            List.of(MessageId.of("msg_" + m)), REPLY, TestMessages.BASE);
                }
            }
        }
    }

    private final InMemoryHistory history = new InMemoryHistory(Clock.fixed(TestMessages.BASE, ZoneOffset.UTC));

    @Operation
    public RecordOutcome record(@Param(name = "conversation") int conversation, @Param(name = "message") int message) {
        return history.record(message(conversation, message));
    }

    @Operation
    public FencedWrite raiseFence(@Param(name = "conversation") int conversation, @Param(name = "token") int token) {
        return history.raiseFence(CONVERSATIONS[conversation], new FencingToken(token));
    }

    /** An answer to one message; a message not recorded yet is refused by an exception, named here as a result. */
    @Operation
    public String recordAnswer(@Param(name = "conversation") int conversation, @Param(name = "token") int token,
                               @Param(name = "message") int message) {
        try {
            return history.recordAnswer(run(conversation, token, message), TestMessages.BASE).toString();
        } catch (IllegalArgumentException notRecorded) {
            return "not recorded";
        }
    }

    /** Sorted, so equal answers print alike in Lincheck's report. */
    @Operation
    public List<String> answeredAmong(@Param(name = "conversation") int conversation) {
        return history.answeredAmong(CONVERSATIONS[conversation], ALL).stream().map(MessageId::value).sorted().toList();
    }

    @Operation
    public List<String> unanswered(@Param(name = "conversation") int conversation) {
        return history.unanswered(CONVERSATIONS[conversation], 3).stream().map(m -> m.id().value()).toList();
    }

    @Test
    void everyInterleavingMatchesSomeSequentialOrder() {
        Class<?> test = getClass();
        LincheckBudget.options()
                // A newer holder fences, then answers, while the older one answers: never both, never the older last.
                .addCustomScenario(scenario(List.of(call(test, "record", 0, 0), call(test, "record", 0, 1)),
                        List.of(call(test, "recordAnswer", 0, 1, 0), call(test, "answeredAmong", 0)),
                        List.of(call(test, "raiseFence", 0, 2), call(test, "recordAnswer", 0, 2, 1))))
                // Two holders answering the same message: exactly one answer consumes it.
                .addCustomScenario(scenario(List.of(call(test, "record", 0, 0)),
                        List.of(call(test, "recordAnswer", 0, 1, 0)),
                        List.of(call(test, "recordAnswer", 0, 2, 0), call(test, "unanswered", 0))))
                .check(test);
    }

    static ConversationId conversation(int conversation) {
        return CONVERSATIONS[conversation];
    }

    static InboundMessage message(int conversation, int message) {
        return MESSAGES[conversation][message];
    }

    static AiRun run(int conversation, int token, int message) {
        return RUNS[conversation][token][message];
    }
}
