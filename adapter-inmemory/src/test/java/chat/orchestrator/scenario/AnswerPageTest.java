package chat.orchestrator.scenario;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.PageId;
import chat.orchestrator.core.port.Delivery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An answer goes out as the page its burst came to: the newest message of the burst that names one. */
class AnswerPageTest {

    @Test
    void theAnswerCarriesThePageItsMessageCameTo() {
        try (Harness harness = new Harness(Harness::echo)) {
            ConversationId conversation = newConversation();

            MessageOutcome outcome = harness.orchestrator.handle(onPage(message(conversation, "m1", 0, "hi"), "page-a"));

            assertInstanceOf(MessageOutcome.Completed.class, outcome);
            assertEquals(List.of(Optional.of(new PageId("page-a"))),
                    harness.pancake.deliveries().stream().map(Delivery::pageId).toList());
        }
    }

    @Test
    void aMessageNamingNoPage_isAnsweredWithNone_leavingTheChoiceToTheDefaultPage() {
        try (Harness harness = new Harness(Harness::echo)) {
            harness.orchestrator.handle(message(newConversation(), "m1", 0, "hi"));

            assertEquals(List.of(Optional.<PageId>empty()),
                    harness.pancake.deliveries().stream().map(Delivery::pageId).toList());
        }
    }

    private static InboundMessage onPage(InboundMessage message, String page) {
        Map<String, String> metadata = new HashMap<>(message.metadata());
        metadata.put(PageId.METADATA_KEY, page);
        return new InboundMessage(message.id(), message.conversationId(), message.content(), message.senderId(),
                message.senderType(), message.timestamp(), metadata);
    }
}
