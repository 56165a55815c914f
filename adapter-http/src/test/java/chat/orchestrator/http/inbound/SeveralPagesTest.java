package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.SyncMessageEndpointTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.http.ai.StubHttpServer;
import chat.orchestrator.http.ai.StubHttpServer.Reply;
import chat.orchestrator.http.pancake.PageTokens;
import chat.orchestrator.http.pancake.PancakeClientSettings;
import chat.orchestrator.http.pancake.PancakePublicApiClient;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One Pancake account, several pages: webhooks in through a real server, answers out to a real Pancake stub in public
 * API mode, each as the page its webhook named, with that page's token; a page with no token is a rejected delivery
 * an operator sees, never a reply from another page.
 */
class SeveralPagesTest {
    private static final String FACEBOOK = "105230123456789";
    private static final String INSTAGRAM = "17841400000000001";
    private static final String UNKNOWN = "555000111";

    private final StubHttpServer pancake = StubHttpServer.start();
    private PancakePublicApiClient client;
    private RunningApi api;

    @BeforeEach
    void start() throws Exception {
        pancake.otherwise(Reply.json(200, fixture("pancake-reply-ok.json")));
        PancakeClientSettings settings = new PancakeClientSettings(pancake.url(), PancakeClientSettings.DEFAULT_CALLBACK_PATH,
                Optional.empty(), Optional.of(FACEBOOK), Optional.of("fb-token"), Duration.ofSeconds(5), 2,
                Duration.ofMillis(10), Duration.ofMillis(40));
        client = new PancakePublicApiClient(settings,
                PageTokens.of(settings.pageId(), settings.pageAccessToken(), Map.of(INSTAGRAM, "ig-token")));
        api = new RunningApi(new RuleBasedResponder(), client);
    }

    @AfterEach
    void stop() {
        api.close();
        client.close();
        pancake.close();
    }

    @Test
    void eachConversationIsAnsweredAsItsOwnPage_withThatPagesToken() throws Exception {
        webhook(FACEBOOK, "m_fb_1");
        pancake.awaitRequests(1, Duration.ofSeconds(10));
        webhook(INSTAGRAM, "m_ig_1");
        pancake.awaitRequests(2, Duration.ofSeconds(10));

        StubHttpServer.Recorded facebook = pancake.requests().get(0);
        StubHttpServer.Recorded instagram = pancake.requests().get(1);
        assertEquals("/api/public_api/v1/pages/" + FACEBOOK + "/conversations/" + FACEBOOK + "_6029384756102938/messages",
                facebook.path());
        assertEquals(Map.of("page_access_token", "fb-token"), facebook.query());
        assertEquals("/api/public_api/v1/pages/" + INSTAGRAM + "/conversations/" + INSTAGRAM + "_6029384756102938/messages",
                instagram.path());
        assertEquals(Map.of("page_access_token", "ig-token"), instagram.query());
    }

    @Test
    void aMessageForAPageWithNoToken_isARejectedDeliveryWithTheReason_andNothingGoesOut() throws Exception {
        webhook(UNKNOWN, "m_unknown_1");

        JsonNode rejected = awaitRejected();

        assertEquals(UNKNOWN + "_6029384756102938", rejected.get("conversation_id").asText());
        assertEquals("no page access token for page " + UNKNOWN + " (add it to PANCAKE_PAGE_ACCESS_TOKENS);"
                + " not sent as another page", rejected.get("last_error").asText());
        assertTrue(pancake.requests().isEmpty(), "not answered from another page");
        assertEquals("degraded", api.get("/api/v1/admin/health", RunningApi.ADMIN_TOKEN).json().get("status").asText());
    }

    /** The fixture's customer message, as it reaches {@code page}. */
    private void webhook(String page, String messageId) throws Exception {
        String body = fixture("pancake-webhook-message.json")
                .replace(FACEBOOK, page)
                .replace("m_Xk3fQ9aLrT2bV8nW1yZc0dE5gH7jK4mP", messageId);
        RunningApi.Reply reply = api.post("/api/v1/pancake/webhook", body);
        assertEquals(200, reply.status(), reply.json().toString());
        assertEquals("processing", reply.json().get("status").asText());
    }

    private JsonNode awaitRejected() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode listing = api.get("/api/v1/admin/deliveries?status=rejected", RunningApi.ADMIN_TOKEN).json();
            if (listing.get("deliveries").size() > 0) {
                return listing.get("deliveries").get(0);
            }
            assertTrue(System.nanoTime() < deadline, "no rejected delivery listed: " + listing);
            Thread.sleep(20);
        }
    }
}
