package chat.orchestrator.http.pancake;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.http.outbound.OutboundHttp;
import chat.orchestrator.http.outbound.RetryAfter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Sends one request to Pancake under the adapter's timeout and retry policy and says how it went, attempts
 * counted. Never throws: a delivery failure is a result, as {@link chat.orchestrator.core.port.PancakePort}
 * promises. The request is built once by the caller, so every attempt carries the same body and idempotency key.
 */
final class PancakeExchange implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PancakeExchange.class.getName());

    private final PancakeClientSettings settings;
    private final String mode;
    private final List<String> secrets;
    private final ObjectMapper json;
    private final HttpClient http;
    private final Retry retry;

    /** @param secrets tokens that must never appear in an error text, which ends up in the database and logs */
    PancakeExchange(PancakeClientSettings settings, String mode, List<String> secrets, ObjectMapper json) {
        this.settings = settings;
        this.mode = mode;
        this.secrets = List.copyOf(secrets);
        this.json = json;
        this.http = OutboundHttp.client(settings.timeout());
        this.retry = OutboundHttp.<PancakeOutcome>retry("pancake-" + mode, settings.maxAttempts(),
                settings.initialBackoff(), settings.maxBackoff(),
                // Asked to wait: that is the outbox's backoff to honour, not a quick retry's.
                outcome -> outcome instanceof PancakeOutcome.Retryable retryable && retryable.retryAfter().isEmpty());
    }

    /** How one request finally went: its last outcome, the attempts made and the last failure seen, if any. */
    record Result(PancakeOutcome outcome, int attempts, String lastError) {
        DeliveryReport.Status status() {
            return switch (outcome) {
                case PancakeOutcome.Delivered delivered -> DeliveryReport.Status.DELIVERED;
                case PancakeOutcome.Rejected rejected -> DeliveryReport.Status.REJECTED;
                // Not the request's fault: the outbox replays it later, as it is, until the delivery horizon.
                case PancakeOutcome.Retryable retryable -> DeliveryReport.Status.PENDING;
                case PancakeOutcome.Interrupted interrupted -> DeliveryReport.Status.PENDING;
            };
        }

        /** How long Pancake asked us to wait, if it did. */
        Optional<Duration> retryAfter() {
            return outcome instanceof PancakeOutcome.Retryable retryable ? retryable.retryAfter() : Optional.empty();
        }
    }

    Result send(HttpRequest request, ConversationId conversation, String what) {
        int[] attempts = {0};
        String[] lastError = {""};
        PancakeOutcome outcome;
        try {
            outcome = Retry.decorateCheckedSupplier(retry, () -> {
                attempts[0]++;
                PancakeOutcome attempt = attempt(request);
                if (!(attempt instanceof PancakeOutcome.Delivered)) {
                    lastError[0] = reason(attempt);
                    LOG.log(System.Logger.Level.WARNING, "Pancake {0} conversation={1} {2} attempt={3}/{4} failed: {5}",
                            mode, conversation, what, attempts[0], settings.maxAttempts(), lastError[0]);
                }
                return attempt;
            }).get();
        } catch (InterruptedException | CancellationException interrupted) {
            // resilience4j reports an interrupt during its backoff sleep as a CancellationException.
            Thread.currentThread().interrupt();
            lastError[0] = "interrupted after " + attempts[0] + " attempt(s)"
                    + (lastError[0].isEmpty() ? "" : "; before that: " + lastError[0]);
            outcome = new PancakeOutcome.Interrupted(lastError[0]);
        } catch (Error fatal) {
            throw fatal;
        } catch (Throwable unexpected) {
            lastError[0] = redact("unexpected failure: " + unexpected);
            outcome = new PancakeOutcome.Rejected(lastError[0]);
        }
        return new Result(outcome, attempts[0], lastError[0]);
    }

    private PancakeOutcome attempt(HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> response = OutboundHttp.send(http, request, settings.timeout());
            return PancakeOutcome.of(response.statusCode(), response.body(), json,
                    RetryAfter.parse(response.headers().firstValue("Retry-After"), Clock.systemUTC()));
        } catch (HttpTimeoutException timeout) {
            return new PancakeOutcome.Retryable("no answer within " + settings.timeout().toMillis() + " ms");
        } catch (IOException connection) {
            return new PancakeOutcome.Retryable("connection failed: " + (connection.getMessage() == null
                    ? connection.getClass().getSimpleName()
                    : connection.getClass().getSimpleName() + ": " + connection.getMessage()));
        }
    }

    private String reason(PancakeOutcome outcome) {
        return redact(switch (outcome) {
            case PancakeOutcome.Delivered delivered -> "";
            case PancakeOutcome.Retryable retryable -> retryable.reason();
            case PancakeOutcome.Rejected rejected -> rejected.reason();
            case PancakeOutcome.Interrupted interrupted -> interrupted.reason();
        });
    }

    private String redact(String text) {
        String redacted = text;
        for (String secret : secrets) {
            redacted = redacted.replace(secret, "***");
        }
        return redacted;
    }

    /**
     * The JSON mapper of the Pancake clients: request records are written in snake_case, said once here. Jackson 2 writes a character outside the BMP (an emoji) as two escaped
     * UTF-16 surrogates unless told otherwise: valid JSON, but not the bytes the customer wrote.
     */
    static ObjectMapper mapper() {
        // Map keys sorted: an action's data read back from the database (JSONB reorders keys) must give the same
        // bytes as the holder's first attempt, or a receiver checking bodies against idempotency keys would balk.
        return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    }

    @Override
    public void close() {
        http.close();
    }
}
