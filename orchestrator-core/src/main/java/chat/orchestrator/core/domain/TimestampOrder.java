package chat.orchestrator.core.domain;

import java.util.Comparator;

/** The one order in which the AI sees a burst: by timestamp, ties broken by message id (invariant 5). */
public final class TimestampOrder {
    public static final Comparator<InboundMessage> MESSAGES =
            Comparator.comparing(InboundMessage::timestamp).thenComparing(InboundMessage::id);

    private TimestampOrder() {
    }
}
