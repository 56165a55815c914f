package chat.orchestrator.http.inbound;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code RATE_LIMIT_PER_SECOND} on the endpoints that take customer messages: a fixed number of permits per second
 * for this instance (resilience4j's rate limiter), and 429 with {@code Retry-After} beyond it, before the body is
 * read or anything is stored. Checked before the token, so a flood of bad tokens is refused as cheaply.
 */
final class MessageRateLimit implements Filter {
    static final Set<String> MESSAGE_PATHS = Set.of(
            "/api/v1/enhanced-handle-message", "/api/v1/pancake/webhook", "/api/v1/chat/message");

    private final RateLimiter limiter;
    private final JsonResponses json;

    MessageRateLimit(int perSecond, JsonResponses json) {
        this.limiter = RateLimiter.of("message-endpoints", RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
        this.json = json;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        if (request.prologue().method() == Method.POST && MESSAGE_PATHS.contains(request.path().path())
                && !limiter.acquirePermission()) {
            json.error(response, new ApiError(Status.TOO_MANY_REQUESTS_429, "rate_limited",
                    "more than " + limiter.getRateLimiterConfig().getLimitForPeriod()
                            + " messages per second on this instance, retry later", Optional.empty()));
            return;
        }
        chain.proceed();
    }
}
