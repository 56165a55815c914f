package chat.orchestrator.core.port;

import chat.orchestrator.core.domain.MessageId;
import java.util.Set;

/** What {@link LockPort#renewReadingPending} found in its one step: the lease still ours with what is pending, or lost. */
public sealed interface LeaseCheck {

    /** The lease was ours and is renewed; {@code pendingIds} are all ids pending at that instant (bodiless ones too). */
    record Held(Set<MessageId> pendingIds) implements LeaseCheck {
        public Held {
            pendingIds = Set.copyOf(pendingIds);
        }
    }

    /** The lock was no longer this lease's (expired, force-released or taken): nothing was changed or read. */
    record Lost() implements LeaseCheck {
    }
}
