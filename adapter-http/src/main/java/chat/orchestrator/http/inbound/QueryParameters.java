package chat.orchestrator.http.inbound;

import chat.orchestrator.core.domain.InvalidInputException;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** Whole-number query parameters with bounds, failing with the parameter's name. */
final class QueryParameters {
    private QueryParameters() {
    }

    static int integer(ServerRequest request, String name, int fallback, int min, int max) {
        Optional<String> raw = request.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get().trim());
            if (value < min || value > max) {
                throw new InvalidInputException(name, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException notANumber) {
            throw new InvalidInputException(name, "must be a whole number");
        }
    }
}
