package chat.orchestrator.http.outbound;

import chat.orchestrator.http.context.LogContext;
import chat.orchestrator.http.context.RequestId;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** What the AI and Pancake clients share: how a base URL is checked, how the HTTP client and the retry are made. */
public final class OutboundHttp {
    private OutboundHttp() {
    }

    /** An absolute http(s) URL without query or fragment, its trailing slashes removed so paths can be appended. */
    public static URI baseUrl(URI url, String name) {
        if (url == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(name + " must be an absolute http or https URL, got " + url);
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException(name + " must name a host, got " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(name + " must not have a query or fragment, got " + url);
        }
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    /**
     * HTTP/1.1 on purpose: the JDK's h2c upgrade headers confuse some Python servers (uvicorn) that front vLLM and
     * LiteLLM, and one request per call gains nothing from HTTP/2. Redirects are never followed: a redirected
     * POST would be replayed somewhere nobody configured.
     */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Sends on the id of the request this work serves (see {@link LogContext}), so the AI's and Pancake's logs can
     * be matched with ours; work no request started (the sweeper, the outbox dispatcher) sends none.
     */
    public static HttpRequest.Builder carryRequestId(HttpRequest.Builder request) {
        LogContext.requestId().ifPresent(id -> request.header(RequestId.HEADER, id));
        return request;
    }

    /**
     * Sends and waits for the whole answer, body included, at most {@code timeout}. {@link java.net.http.HttpRequest}'s
     * own timeout stops counting once the headers arrive, so a server that stalls mid-body would hold the call
     * indefinitely. Blocking and interruptible like {@link HttpClient#send}; cancelling the future aborts the exchange.
     */
    public static HttpResponse<String> send(HttpClient http, HttpRequest request, Duration timeout)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> response =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            throw new HttpTimeoutException("the whole answer did not arrive in time");
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof IOException io ? io : new IOException(failed.getCause());
        } finally {
            response.cancel(true);
        }
    }

    /**
     * Exponential backoff (x2, ±25 % jitter) on results that say "retry"; failures are results, never exceptions,
     * and the only exception (an interrupt) is never retried.
     */
    public static <T> Retry retry(String name, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                                  Predicate<T> retryable) {
        return retry(name, maxAttempts, initialBackoff, maxBackoff, retryable, result -> Optional.empty());
    }

    /**
     * As {@link #retry(String, int, Duration, Duration, Predicate)}, never sooner than the wait a result asks for
     * (the server's {@code Retry-After}).
     */
    public static <T> Retry retry(String name, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                                  Predicate<T> retryable, Function<T, Optional<Duration>> askedWait) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.25, maxBackoff);
        IntervalBiFunction<T> interval = (attempt, outcome) -> {
            long computed = backoff.apply(attempt);
            long asked = outcome.isRight() ? askedWait.apply(outcome.get()).map(Duration::toMillis).orElse(0L) : 0L;
            return Math.max(computed, asked);
        };
        return Retry.of(name, RetryConfig.<T>custom()
                .maxAttempts(maxAttempts)
                .intervalBiFunction(interval)
                .retryOnResult(retryable)
                .retryOnException(failure -> false)
                .build());
    }
}
