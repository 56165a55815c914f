package chat.orchestrator.http.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.domain.ActionType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionRequestTest {

    @Test
    void theSchemaResourceOffersExactlyTheActionTypesTheCoreKnows() {
        JsonNode format = ChatCompletionRequest.responseFormat(AiExchange.mapper());
        List<String> offered = new ArrayList<>();
        format.at("/json_schema/schema/properties/actions/items/properties/type/enum")
                .forEach(type -> offered.add(type.textValue()));
        assertEquals(ActionType.wireNames(), offered);
        assertEquals("[\"response_text\",\"intent\",\"confidence\",\"entities\",\"actions\"]",
                format.at("/json_schema/schema/required").toString());
    }
}
