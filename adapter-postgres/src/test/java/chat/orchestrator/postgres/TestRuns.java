package chat.orchestrator.postgres;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiRun;
import chat.orchestrator.core.port.FencingToken;
import chat.orchestrator.core.port.RunId;
import java.util.Arrays;

/** AI runs for the scenario tests, finished a minute after {@link TestMessages#BASE}. */
final class TestRuns {
    private TestRuns() {
    }

    static AiRun run(ConversationId conversation, long token, AiReply reply, InboundMessage... answered) {
        return new AiRun(RunId.random(), conversation, new FencingToken(token),
                Arrays.stream(answered).map(InboundMessage::id).toList(), reply, TestMessages.BASE.plusSeconds(60));
    }
}
