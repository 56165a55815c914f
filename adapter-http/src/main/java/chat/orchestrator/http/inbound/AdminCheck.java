package chat.orchestrator.http.inbound;

/** What the check of a request to an admin endpoint found: who it is, or why it is refused. */
sealed interface AdminCheck {

    /** Let in; {@code who} is what the logs name for its writes (the token's {@code sub}, never the token). */
    record Granted(String who) implements AdminCheck {
    }

    /** No bearer token at all. */
    record Missing() implements AdminCheck {
    }

    /** A token that is neither the admin token nor a JWT that checks out; {@code reason} is for the logs. */
    record Invalid(String reason) implements AdminCheck {
    }

    /** A JWT that was once good: signed by a trusted key, for us, but past its {@code exp}. */
    record Expired() implements AdminCheck {
    }

    /** A good JWT of someone who lacks the admin role. */
    record Forbidden(String subject) implements AdminCheck {
    }

    /** The identity provider's keys could not be fetched, so a JWT can be neither accepted nor refused. */
    record KeysUnavailable(String reason) implements AdminCheck {
    }
}
