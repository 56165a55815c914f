package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.port.ComponentHealth;
import chat.orchestrator.core.port.HealthPort;
import chat.orchestrator.http.ai.NativeAiClient;
import chat.orchestrator.http.ai.OpenAiCompatibleClient;
import chat.orchestrator.http.pancake.PancakeCallbackClient;
import chat.orchestrator.http.pancake.PancakePublicApiClient;
import chat.orchestrator.inmemory.InMemoryBotProfiles;
import chat.orchestrator.inmemory.InMemoryHistory;
import chat.orchestrator.inmemory.InMemoryJobs;
import chat.orchestrator.inmemory.InMemoryLocks;
import chat.orchestrator.inmemory.InMemoryState;
import chat.orchestrator.inmemory.LoggingPancake;
import chat.orchestrator.inmemory.RuleBasedResponder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The choices that need no server: the embedded default and the HTTP clients. */
class AdapterSelectionTest {
    private final Clock clock = Clock.systemUTC();

    @Test
    void anEmptyEnvironmentRunsEverythingInMemoryWithTheBuiltInResponderAndALoggingPancake() {
        try (SelectedAdapters adapters = AdapterSelection.select(AppConfig.fromEnvironment(Map.of()), clock)) {
            assertInstanceOf(InMemoryLocks.class, adapters.locks());
            assertInstanceOf(InMemoryState.class, adapters.state());
            assertInstanceOf(InMemoryJobs.class, adapters.jobs());
            assertInstanceOf(InMemoryHistory.class, adapters.history());
            assertInstanceOf(InMemoryBotProfiles.class, adapters.botProfiles());
            assertInstanceOf(RuleBasedResponder.class, adapters.ai());
            assertInstanceOf(LoggingPancake.class, adapters.pancake());
            assertFalse(adapters.redis());
            assertEquals(List.of("state", "history", "ai", "pancake"), List.copyOf(adapters.inUse().keySet()));
            assertEquals("memory", adapters.inUse().get("state"));
            assertEquals("memory", adapters.inUse().get("history"));
            assertTrue(adapters.inUse().get("ai").startsWith("built-in responder"), adapters.inUse().toString());
            assertEquals("logging only", adapters.inUse().get("pancake"));
            ComponentHealth memory = single(adapters.health());
            assertEquals("memory", memory.component());
            assertTrue(memory.up());
            SelectionChecks.assertLocksAndStateShareOneStore(adapters);
            assertEquals("1", single(adapters.health()).figures().get("conversations"));
            SelectionChecks.assertAnalyticsReadTheHistory(adapters, clock);
        }
    }

    @Test
    void anAiServiceUrlChoosesTheOpenAiClient_andPancakeBaseUrlTheCallbackClient() {
        AppConfig config = AppConfig.fromEnvironment(Map.of(
                "AI_SERVICE_URL", "http://llm.internal:8000/v1", "AI_MODEL", "qwen2.5-7b-instruct",
                "AI_API_KEY", "sk-secret", "PANCAKE_BASE_URL", "https://pancake.example.com",
                "PANCAKE_ACCESS_TOKEN", "shared-secret"));

        try (SelectedAdapters adapters = AdapterSelection.select(config, clock)) {
            assertInstanceOf(OpenAiCompatibleClient.class, adapters.ai());
            assertInstanceOf(PancakeCallbackClient.class, adapters.pancake());
            assertEquals("openai-compatible http://llm.internal:8000/v1 model qwen2.5-7b-instruct",
                    adapters.inUse().get("ai"));
            assertEquals("callback https://pancake.example.com/api/v1/actions", adapters.inUse().get("pancake"));
            assertFalse(adapters.inUse().toString().contains("secret"), adapters.inUse().toString());
        }
    }

    @Test
    void theNativeProtocolAndPublicApiModeChooseTheirClients_andNoUrlCredentialIsShown() {
        AppConfig config = AppConfig.fromEnvironment(Map.of(
                "AI_SERVICE_URL", "https://bot:pw-secret@ai.example.com/custom", "AI_SERVICE_PROTOCOL", "native",
                "PANCAKE_BASE_URL", "https://pages.fm", "PANCAKE_MODE", "public_api", "PANCAKE_PAGE_ID", "1234567890",
                "PANCAKE_PAGE_ACCESS_TOKEN", "page-secret"));

        try (SelectedAdapters adapters = AdapterSelection.select(config, clock)) {
            assertInstanceOf(NativeAiClient.class, adapters.ai());
            assertInstanceOf(PancakePublicApiClient.class, adapters.pancake());
            assertEquals("native https://ai.example.com/custom", adapters.inUse().get("ai"));
            assertEquals("public_api https://pages.fm pages 1234567890 (default 1234567890)", adapters.inUse().get("pancake"));
            assertFalse(adapters.inUse().toString().contains("secret"), adapters.inUse().toString());
        }
    }

    @Test
    void aPostgresThatCannotBeReachedStopsTheStartNamingTheDatabase() throws IOException {
        int nobodyListens = freePort();
        AppConfig config = AppConfig.fromEnvironment(Map.of("POSTGRES_HOST", "127.0.0.1",
                "POSTGRES_PORT", Integer.toString(nobodyListens), "POSTGRES_DB", "orchestrator",
                "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw-secret", "POSTGRES_SSL_MODE", "disable",
                "POSTGRES_CONNECTION_TIMEOUT_MS", "250"));

        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> AdapterSelection.select(config, clock));

        assertTrue(failure.getMessage().contains("PostgreSQL at 127.0.0.1:" + nobodyListens + "/orchestrator"),
                failure.getMessage());
        assertFalse(failure.getMessage().contains("pw-secret"), failure.getMessage());
    }

    private static ComponentHealth single(List<HealthPort> health) {
        assertEquals(1, health.size());
        return health.getFirst().check();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
