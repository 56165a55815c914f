package chat.orchestrator.core.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the AI answered for one burst: the text, how it understood the customer, and the actions to send.
 * An answer always carries at least one action; a bare text answer becomes one {@code send_message}.
 */
public record AiReply(
        String text,
        String intent,
        double confidence,
        Map<String, String> entities,
        String model,
        Duration processingTime,
        List<Action> actions) {

    public AiReply {
        Objects.requireNonNull(text, "text");
        intent = intent == null || intent.isBlank() ? "unknown" : intent;
        if (Double.isNaN(confidence) || confidence < 0 || confidence > 1) {
            throw new InvalidInputException("confidence", "must be between 0 and 1");
        }
        entities = entities == null ? Map.of() : Map.copyOf(entities);
        model = model == null || model.isBlank() ? "unknown" : model;
        processingTime = processingTime == null ? Duration.ZERO : processingTime;
        actions = actions == null ? List.of() : List.copyOf(actions);
        if (actions.isEmpty()) {
            if (text.isBlank()) {
                throw new InvalidInputException("response_text", "must not be blank when there are no actions");
            }
            actions = List.of(new Action.SendMessage(text));
        }
    }

    public AiReply withProcessingTime(Duration elapsed) {
        return new AiReply(text, intent, confidence, entities, model, elapsed, actions);
    }
}
