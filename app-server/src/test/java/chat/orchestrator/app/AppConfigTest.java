package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.OrchestratorSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {

    @Test
    void anEmptyEnvironmentIsTheEmbeddedDefault() {
        AppConfig config = AppConfig.fromEnvironment(Map.of());

        assertEquals("0.0.0.0", config.host());
        assertEquals(8000, config.port());
        assertEquals("INFO", config.logLevel());
        assertEquals(Duration.ofSeconds(30), config.orchestrator().lockTtl());
        assertTrue(config.pancakeAccessToken().isEmpty());
        assertFalse(config.debug());
        assertEquals(Optional.empty(), config.redis());
        assertEquals(Optional.empty(), config.postgres());
        assertEquals(Optional.empty(), config.ai());
        assertEquals(Optional.empty(), config.pancake());
        assertEquals(Optional.empty(), config.webhookSecret());
    }

    @Test
    void theLoadLimitsHaveBoundedDefaults_andAreReadFromTheirVariables() {
        AppConfig defaults = AppConfig.fromEnvironment(Map.of());
        assertEquals(new LoadLimits(1_000, 0, 64, Duration.ofSeconds(5)), defaults.limits());
        assertEquals(Duration.ofSeconds(120), defaults.orchestrator().answerWait());

        AppConfig config = AppConfig.fromEnvironment(Map.of("MAX_CONCURRENT_REQUESTS", "200",
                "RATE_LIMIT_PER_SECOND", "50", "AI_MAX_CONCURRENT_CALLS", "8", "SHUTDOWN_DRAIN_SECONDS", "0",
                "ANSWER_WAIT_SECONDS", "45"));

        assertEquals(new LoadLimits(200, 50, 8, Duration.ZERO), config.limits());
        assertEquals(Duration.ofSeconds(45), config.orchestrator().answerWait());
    }

    @ParameterizedTest
    @CsvSource({"MAX_CONCURRENT_REQUESTS, -1", "RATE_LIMIT_PER_SECOND, many", "AI_MAX_CONCURRENT_CALLS, 0",
            "ANSWER_WAIT_SECONDS, 0", "SHUTDOWN_DRAIN_SECONDS, 11"})
    void aBadLoadLimitStopsTheStartNamingItsVariable(String variable, String value) {
        ConfigurationException bad = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of(variable, value)));

        assertTrue(bad.getMessage().contains(variable), bad.getMessage());
    }

    @Test
    void variablesAreReadWithTheDocumentedNames() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("API_HOST", "127.0.0.1", "API_PORT", "9000",
                "PANCAKE_ACCESS_TOKEN", "p", "ADMIN_ACCESS_TOKEN", "a", "LOG_LEVEL", "debug",
                "PROCESSING_LOCK_TTL", "60", "CONSOLIDATION_WINDOW_MS", "250", "AI_CANCEL_ON_NEWER_MESSAGE", "true"));

        assertEquals("127.0.0.1", config.host());
        assertEquals(9000, config.port());
        assertEquals(Optional.of("p"), config.pancakeAccessToken());
        assertEquals(Optional.of("a"), config.adminAccessToken());
        assertEquals("DEBUG", config.logLevel());
        assertEquals(Duration.ofSeconds(60), config.orchestrator().lockTtl());
        assertEquals(Duration.ofMillis(250), config.orchestrator().consolidationWindow());
        assertTrue(config.orchestrator().cancelOnNewerMessage());
    }

    @ParameterizedTest
    @CsvSource({"API_PORT, eighty, API_PORT", "API_PORT, 70000, API_PORT", "LOG_LEVEL, LOUD, LOG_LEVEL",
            "PROCESSING_LOCK_TTL, 0, PROCESSING_LOCK_TTL", "AI_CANCEL_ON_NEWER_MESSAGE, maybe, AI_CANCEL_ON_NEWER_MESSAGE",
            "CONSOLIDATION_WINDOW_MS, -1, CONSOLIDATION_WINDOW_MS"})
    void aBadValueStopsTheStartWithAMessageNamingTheVariable(String name, String value, String named) {
        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of(name, value)));

        assertTrue(error.getMessage().contains(named), error.getMessage());
    }

    @Test
    void logFormatAndMetricsToken_areRead_textAndOpenByDefault_anUnknownFormatIsRefused() {
        AppConfig defaults = AppConfig.fromEnvironment(Map.of());
        AppConfig set = AppConfig.fromEnvironment(Map.of("LOG_FORMAT", "JSON", "METRICS_ACCESS_TOKEN", "scrape-me"));

        assertEquals("text", defaults.logFormat());
        assertTrue(defaults.metricsAccessToken().isEmpty());
        assertEquals("json", set.logFormat());
        assertEquals(Optional.of("scrape-me"), set.metricsAccessToken());
        assertTrue(!set.toString().contains("scrape-me"), "the token never reaches a log line: " + set);
        ConfigurationException refused = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of("LOG_FORMAT", "xml")));
        assertTrue(refused.getMessage().contains("LOG_FORMAT"), refused.getMessage());
    }

    @Test
    void aShortLockTtlIsAccepted_andTheDeliverySettingsAreRead() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("PROCESSING_LOCK_TTL", "4",
                "PANCAKE_DELIVERY_MAX_AGE", "7200", "PANCAKE_DELIVERY_MAX_BACKOFF", "5", "SWEEP_INTERVAL", "2"));

        assertEquals(java.time.Duration.ofSeconds(4), config.orchestrator().lockTtl());
        assertTrue(config.orchestrator().consolidationMaxWait().compareTo(java.time.Duration.ofSeconds(2)) <= 0);
        assertEquals(java.time.Duration.ofHours(2), config.orchestrator().delivery().maxAge());
        assertEquals(java.time.Duration.ofSeconds(5), config.orchestrator().delivery().maxBackoff());
        assertEquals(java.time.Duration.ofSeconds(2), config.orchestrator().sweepInterval());
    }

    @Test
    void theHandoffIdleTimeoutIsADayByDefault_zeroMeansNever_andANegativeOneIsRefused() {
        assertEquals(java.time.Duration.ofHours(24), AppConfig.fromEnvironment(Map.of()).orchestrator()
                .handoffIdleTimeout());
        assertEquals(java.time.Duration.ZERO, AppConfig.fromEnvironment(Map.of("HANDOFF_IDLE_TIMEOUT", "0"))
                .orchestrator().handoffIdleTimeout());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of("HANDOFF_IDLE_TIMEOUT", "-1"))).getMessage()
                .contains("HANDOFF_IDLE_TIMEOUT"));
    }

    @Test
    void aConsolidationWindowLongerThanHalfTheLease_isRefusedNamingBothVariables() {
        ConfigurationException refused = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of("PROCESSING_LOCK_TTL", "4", "CONSOLIDATION_WINDOW_MS", "3000")));

        assertTrue(refused.getMessage().contains("CONSOLIDATION_WINDOW_MS"), refused.getMessage());
        assertTrue(refused.getMessage().contains("PROCESSING_LOCK_TTL"), refused.getMessage());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of("PANCAKE_DELIVERY_MAX_AGE", "10"))).getMessage()
                .contains("PANCAKE_DELIVERY_MAX_AGE"));
    }

    @Test
    void aConsolidationWindowLongerThanHalfTheLease_isRefusedByTheCoresRule_inTheVariablesWords() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromEnvironment(Map.of("PROCESSING_LOCK_TTL", "4", "CONSOLIDATION_WINDOW_MS", "2001")));

        assertEquals("CONSOLIDATION_WINDOW_MS (2001) must be at most half of PROCESSING_LOCK_TTL (4 s)",
                refused.getMessage());
        assertEquals(Duration.ofSeconds(2), AppConfig.fromEnvironment(Map.of("PROCESSING_LOCK_TTL", "4",
                "CONSOLIDATION_WINDOW_MS", "2000")).orchestrator().consolidationWindow(), "exactly half fits");
    }

    @Test
    void withoutVariables_theCoreSettingsAreTheCoresDefaults_butTheWaitForQuietIsSixWindows() {
        OrchestratorSettings defaults = OrchestratorSettings.defaults();

        assertEquals(defaults.withConsolidation(defaults.consolidationWindow(),
                defaults.consolidationWindow().multipliedBy(6)), AppConfig.fromEnvironment(Map.of()).orchestrator());
    }

    @Test
    void aLogLevelIsOneOfTheDocumentedWords_inAnyCase() {
        assertEquals("WARN", AppConfig.fromEnvironment(Map.of("LOG_LEVEL", "warn")).logLevel());
        assertEquals("LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARNING, WARN, ERROR, OFF, got 'loud'",
                assertThrows(ConfigurationException.class,
                        () -> AppConfig.fromEnvironment(Map.of("LOG_LEVEL", "loud"))).getMessage());
    }

    @Test
    void missingTokensAreGeneratedAndAnnouncedOnce_configuredOnesAreKeptAndNeverPrinted() {
        AppConfig partly = AppConfig.fromEnvironment(Map.of("PANCAKE_ACCESS_TOKEN", "pancake-secret"));

        Tokens tokens = Tokens.from(partly);
        String banner = Tokens.banner(partly, tokens).orElseThrow();

        assertEquals("pancake-secret", tokens.pancake());
        assertEquals(48, tokens.admin().length());
        assertTrue(banner.contains("ADMIN_ACCESS_TOKEN=" + tokens.admin()));
        assertTrue(!banner.contains("pancake-secret"));
        assertNotEquals(Tokens.from(partly).admin(), tokens.admin());
    }

    @Test
    void theTwoTokensMayNotBeTheSame() {
        AppConfig same = AppConfig.fromEnvironment(Map.of("PANCAKE_ACCESS_TOKEN", "t", "ADMIN_ACCESS_TOKEN", "t"));

        assertThrows(ConfigurationException.class, () -> Tokens.from(same));
    }
}
