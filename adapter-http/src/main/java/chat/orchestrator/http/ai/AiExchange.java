package chat.orchestrator.http.ai;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.port.AiRejectedException;
import chat.orchestrator.core.port.AiUnavailableException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import chat.orchestrator.http.outbound.OutboundHttp;
import chat.orchestrator.http.outbound.RetryAfter;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * One JSON POST to the AI service under the adapter's timeout and retry policy: timeouts, connection errors, 408,
 * 429 and 5xx are retried with exponential backoff, never sooner than the service's {@code Retry-After} (one asking
 * for longer than an attempt may take ends the call); any other answer is final, and a refusal for good
 * ({@link AiRejectedException}: a bad key, an unknown model, a bad request). Blocking and interruptible: an
 * interrupt (the core cancelling a stale call) ends the call at once with {@link AiUnavailableException}.
 */
final class AiExchange implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AiExchange.class.getName());
    private static final int MAX_ERROR_TEXT = 300;

    private final AiClientSettings settings;
    private final String protocol;
    private final HttpClient http;
    private final Retry retry;
    private final ObjectMapper json;

    AiExchange(AiClientSettings settings, String protocol, ObjectMapper json) {
        this.settings = settings;
        this.protocol = protocol;
        this.json = json;
        this.http = OutboundHttp.client(settings.timeout());
        this.retry = OutboundHttp.<Attempt>retry("ai-" + protocol, settings.maxAttempts(), settings.initialBackoff(),
                settings.maxBackoff(), attempt -> attempt instanceof Attempt.Retryable,
                attempt -> attempt instanceof Attempt.Retryable retryable ? retryable.retryAfter() : Optional.empty());
    }

    /**
     * Posts the body and returns the body of the first 2xx answer; throws {@link AiRejectedException} on a final
     * refusal, after one attempt, and {@link AiUnavailableException} when the retries ran out.
     */
    String post(ConversationId conversation, URI endpoint, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        settings.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));
        OutboundHttp.carryRequestId(request);
        HttpRequest built = request.build();
        int[] attempts = {0};
        Attempt last;
        try {
            last = Retry.decorateCheckedSupplier(retry, () -> {
                attempts[0]++;
                return attempt(conversation, built, attempts[0]);
            }).get();
        } catch (InterruptedException | CancellationException interrupted) {
            // resilience4j reports an interrupt during its backoff sleep as a CancellationException.
            Thread.currentThread().interrupt();
            throw new AiUnavailableException("AI call (" + protocol + ") for conversation " + conversation
                    + " was interrupted after " + attempts[0] + " attempt(s)", interrupted);
        } catch (Error fatal) {
            throw fatal;
        } catch (Throwable unexpected) {
            throw new AiUnavailableException("AI call (" + protocol + ") for conversation " + conversation
                    + " failed unexpectedly: " + unexpected, unexpected);
        }
        return switch (last) {
            case Attempt.Answered answered -> answered.body();
            case Attempt.Retryable retryable -> throw new AiUnavailableException("AI service (" + protocol
                    + ") unavailable for conversation " + conversation + " after " + attempts[0] + " attempt(s): "
                    + retryable.reason());
            case Attempt.Rejected rejected -> throw new AiRejectedException("AI service (" + protocol
                    + ") rejected the request for conversation " + conversation + ": " + rejected.reason());
        };
    }

    private Attempt attempt(ConversationId conversation, HttpRequest request, int number) throws InterruptedException {
        Attempt attempt;
        try {
            HttpResponse<String> response = OutboundHttp.send(http, request, settings.timeout());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt.Answered(response.body());
            }
            String reason = "HTTP " + status + ": " + errorMessage(response.body());
            Optional<Duration> retryAfter = status == 429 || status == 503
                    ? RetryAfter.parse(response.headers().firstValue("Retry-After"), Clock.systemUTC())
                    : Optional.empty();
            if (retryAfter.filter(wait -> wait.compareTo(settings.timeout()) > 0).isPresent()) {
                // Waiting that long inside one call would hold the conversation's lease and the caller; the
                // message stays pending and a later attempt (a retry by Pancake, the sweeper) asks again.
                attempt = new Attempt.Rejected(reason + " (Retry-After " + retryAfter.get().toSeconds()
                        + " s is longer than one attempt may take)");
            } else {
                attempt = isTransient(status) ? new Attempt.Retryable(reason, retryAfter) : new Attempt.Rejected(reason);
            }
        } catch (HttpTimeoutException timeout) {
            attempt = new Attempt.Retryable("no answer within " + settings.timeout().toMillis() + " ms", Optional.empty());
        } catch (IOException connection) {
            attempt = new Attempt.Retryable("connection failed: " + describe(connection), Optional.empty());
        }
        LOG.log(System.Logger.Level.WARNING, "AI call ({0}) conversation={1} attempt={2}/{3} failed ({4}): {5}",
                protocol, conversation, number, settings.maxAttempts(),
                attempt instanceof Attempt.Retryable ? "retryable" : "final", reason(attempt));
        return attempt;
    }

    private static String reason(Attempt attempt) {
        return switch (attempt) {
            case Attempt.Answered answered -> "";
            case Attempt.Retryable retryable -> retryable.reason();
            case Attempt.Rejected rejected -> rejected.reason();
        };
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** The service's own words for an error: OpenAI's {@code error.message}, else a short excerpt of the body. */
    private String errorMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            for (JsonNode candidate : new JsonNode[] {
                    node.path("error").path("message"), node.path("error"), node.path("message"), node.path("detail")}) {
                if (candidate.isTextual() && !candidate.asText().isBlank()) {
                    return excerpt(candidate.asText());
                }
            }
        } catch (IOException notJson) {
            // fall through to the raw body
        }
        return body == null || body.isBlank() ? "(empty body)" : excerpt(body);
    }

    private static String excerpt(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= MAX_ERROR_TEXT ? flat : flat.substring(0, MAX_ERROR_TEXT) + "…";
    }

    private static String describe(IOException failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /**
     * The JSON mapper of the AI clients: request records are written in snake_case, said once here. Jackson 2 writes a character outside the BMP (an emoji) as two escaped
     * UTF-16 surrogates unless told otherwise: valid JSON, but not the bytes the customer wrote.
     */
    static ObjectMapper mapper() {
        return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    }

    @Override
    public void close() {
        http.close();
    }

    /** How one HTTP attempt ended. */
    private sealed interface Attempt {
        record Answered(String body) implements Attempt {
        }

        /** Worth another attempt: the service may answer next time, not before {@code retryAfter} if it said so. */
        record Retryable(String reason, Optional<Duration> retryAfter) implements Attempt {
        }

        /** Final: the same request would be refused again. */
        record Rejected(String reason) implements Attempt {
        }
    }
}
