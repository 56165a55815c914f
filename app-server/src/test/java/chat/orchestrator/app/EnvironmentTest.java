package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The server's one reader of its environment: each kind of value, and the one wording of each mistake. */
class EnvironmentTest {

    @Test
    void aBlankValueIsUnset_andValuesAreTrimmed() {
        Environment env = env(Map.of("EMPTY", "", "BLANK", "  ", "PADDED", "  value  "));

        assertFalse(env.isSet("EMPTY"));
        assertFalse(env.isSet("BLANK"));
        assertFalse(env.isSet("MISSING"));
        assertEquals(Optional.of("value"), env.optional("PADDED"));
        assertEquals("fallback", env.string("BLANK", "fallback"));
        assertEquals(7, env.integer("BLANK", 7, 0, 10));
    }

    @Test
    void anUntrimmedValueKeepsItsSpaces_andOnlyAnEmptyOneIsUnset() {
        Environment env = env(Map.of("PASSWORD", " s3cret ", "SPACES", "  ", "EMPTY", ""));

        assertEquals(Optional.of(" s3cret "), env.untrimmed("PASSWORD"));
        assertEquals(Optional.of("  "), env.untrimmed("SPACES"));
        assertEquals(Optional.empty(), env.untrimmed("EMPTY"));
        assertEquals(Optional.empty(), env.untrimmed("MISSING"));
    }

    @Test
    void aWholeNumberIsReadWithinItsRange_boundsIncluded() {
        assertEquals(1, env(Map.of("N", "1")).integer("N", 5, 1, 10));
        assertEquals(10, env(Map.of("N", " 10 ")).integer("N", 5, 1, 10));
        assertEquals(5, env(Map.of()).integer("N", 5, 1, 10), "the fallback when unset");
    }

    @ParameterizedTest
    @CsvSource({"0", "11", "ten", "1.5", "-", "99999999999"})
    void aWholeNumberOutsideItsRangeOrNoNumberAtAll_isRefusedNamingTheRange(String value) {
        assertRefused("N must be a whole number between 1 and 10, got '" + value + "'",
                () -> env(Map.of("N", value)).integer("N", 5, 1, 10));
    }

    @Test
    void secondsAndMillisAreWholeNumbersInTheirUnit() {
        Environment env = env(Map.of("S", "90", "MS", "250", "BAD", "0"));

        assertEquals(Duration.ofSeconds(90), env.seconds("S", Duration.ofSeconds(1), 1, 100));
        assertEquals(Duration.ofMillis(250), env.millis("MS", Duration.ofMillis(1), 0, 1_000));
        assertEquals(Duration.ofMinutes(2), env.seconds("UNSET", Duration.ofMinutes(2), 1, 100));
        assertEquals(Duration.ofMillis(800), env.millis("UNSET", Duration.ofMillis(800), 0, 1_000));
        assertRefused("BAD must be a whole number between 1 and 100, got '0'",
                () -> env.seconds("BAD", Duration.ofSeconds(1), 1, 100));
    }

    @Test
    void fractionalSecondsAreReadToTheMillisecond() {
        Duration min = Duration.ofMillis(1);
        Duration max = Duration.ofHours(1);

        assertEquals(Duration.ofMillis(500), env(Map.of("T", "0.5")).fractionalSeconds("T", max, min, max));
        assertEquals(Duration.ofSeconds(2), env(Map.of("T", "2")).fractionalSeconds("T", max, min, max));
        assertEquals(Duration.ofMillis(1), env(Map.of("T", "0.001")).fractionalSeconds("T", max, min, max));
        assertEquals(max, env(Map.of("T", "3600")).fractionalSeconds("T", min, min, max));
        assertEquals(Duration.ofSeconds(2), env(Map.of()).fractionalSeconds("T", Duration.ofSeconds(2), min, max));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "0", "0.0001", "3600.001", "-1"})
    void fractionalSecondsOutsideTheirRangeOrFinerThanAMillisecond_areRefusedNamingTheRange(String value) {
        assertRefused("T must be seconds between 0.001 and 3600 (e.g. 2 or 0.5), got '" + value + "'",
                () -> env(Map.of("T", value)).fractionalSeconds("T", Duration.ofSeconds(2), Duration.ofMillis(1),
                        Duration.ofHours(1)));
    }

    @ParameterizedTest
    @CsvSource({"true, true", "TRUE, true", "1, true", "yes, true", "false, false", "False, false", "0, false",
            "no, false"})
    void aFlagIsOneOfSixWords_inAnyCase(String value, boolean expected) {
        assertEquals(expected, env(Map.of("F", value)).bool("F", !expected));
    }

    @Test
    void aFlagIsItsFallbackWhenUnset_andAnyOtherWordIsRefused_echoedAsGiven() {
        assertTrue(env(Map.of()).bool("F", true));
        assertFalse(env(Map.of()).bool("F", false));
        assertRefused("F must be true or false, got 'Maybe'", () -> env(Map.of("F", " Maybe ")).bool("F", false));
    }

    @Test
    void aChoiceIsOneOfItsWords_inAnyCase_spelledAsTheWordsAre() {
        List<String> levels = List.of("TRACE", "INFO");

        assertEquals("INFO", env(Map.of("L", "info")).choice("L", "TRACE", levels));
        assertEquals("TRACE", env(Map.of()).choice("L", "TRACE", levels));
        assertEquals("json", env(Map.of("FORMAT", "JSON")).choice("FORMAT", "text", List.of("text", "json")));
        assertRefused("FORMAT must be one of text, json, got 'xml'",
                () -> env(Map.of("FORMAT", "xml")).choice("FORMAT", "text", List.of("text", "json")));
        assertRefused("DATABASE_URL sslmode must be one of prefer, require, got 'yes '",
                () -> Environment.oneOf("DATABASE_URL sslmode", "yes ", List.of("prefer", "require")));
    }

    @Test
    void aUrlIsCheckedForSyntaxOnly_andAMalformedOneIsNamedWithoutRepeatingIt() {
        assertEquals(Optional.of(URI.create("ftp://ai/v1")), env(Map.of("U", "ftp://ai/v1")).url("U"));
        assertEquals(Optional.empty(), env(Map.of()).url("U"));

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> env(Map.of("U", "postgres://u:hunter2@db host/d")).url("U"));

        assertEquals("U is not a valid URL: Illegal character in authority", refused.getMessage());
    }

    @Test
    void hostPortListsAreRead_spacesAndEmptyEntriesSkipped_ipv6InBrackets() {
        assertEquals(List.of(new Environment.HostPort("10.0.0.1", 7000), new Environment.HostPort("r2", 7001),
                        new Environment.HostPort("::1", 7002)),
                env(Map.of("NODES", " 10.0.0.1:7000, r2:7001,,[::1]:7002")).hostPorts("NODES"));
        assertEquals(List.of(new Environment.HostPort("h", 1), new Environment.HostPort("h", 65_535)),
                env(Map.of("NODES", "h:1,h:65535")).hostPorts("NODES"));
    }

    @Test
    void aHostPortListThatCannotBeReadIsRefusedNamingTheEntry() {
        assertRefused("NODES must list host:port pairs separated by commas",
                () -> env(Map.of("NODES", " , ")).hostPorts("NODES"));
        assertRefused("NODES must list host:port pairs separated by commas", () -> env(Map.of()).hostPorts("NODES"));
        assertRefused("NODES entries must be host:port, got 'a'", () -> env(Map.of("NODES", "a")).hostPorts("NODES"));
        assertRefused("NODES entries must be host:port, got ':7000'",
                () -> env(Map.of("NODES", ":7000")).hostPorts("NODES"));
        assertRefused("NODES entries must be host:port, got 'a:'", () -> env(Map.of("NODES", "a:")).hostPorts("NODES"));
        assertRefused("NODES entry 'a:x' has no numeric port", () -> env(Map.of("NODES", "a:x")).hostPorts("NODES"));
        assertRefused("NODES entry 'a:0' has a port outside 1-65535",
                () -> env(Map.of("NODES", "b:1,a:0")).hostPorts("NODES"));
        assertRefused("NODES entry 'a:65536' has a port outside 1-65535",
                () -> env(Map.of("NODES", "a:65536")).hostPorts("NODES"));
    }

    @Test
    void aSettingWithoutTheServiceItBelongsTo_isRefusedNamingWhatToSet() {
        Environment env = env(Map.of("DEP", "x"));

        assertRefused("DEP is set but MAIN is not: set MAIN, or unset DEP (without it, nothing)",
                () -> env.requireWith("MAIN", "without it, nothing", "OTHER", "DEP"));
        assertRefused("DEP is set but neither A nor B is: set one, or unset DEP",
                () -> env.requireWithAny(List.of("A", "B"), "set one", "", List.of("DEP")));
        assertRefused("DEP is set but none of A, B, C or D is: name one, or unset DEP (note)",
                () -> env.requireWithAny(List.of("A", "B", "C", "D"), "name one", "note", List.of("DEP")));
    }

    @Test
    void aSettingWithItsService_orNoSettingAtAll_isAccepted() {
        assertDoesNotThrow(() -> env(Map.of("DEP", "x", "B", "y")).requireWithAny(List.of("A", "B"), "set one", "",
                List.of("DEP")));
        assertDoesNotThrow(() -> env(Map.of("OTHER", "x")).requireWith("MAIN", "note", "DEP"));
    }

    @Test
    void anAdaptersRefusalBecomesAConfigurationError_asItIsWorded() {
        IllegalArgumentException cause = new IllegalArgumentException("AI_SERVICE_URL must be http or https");

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> Environment.validatedByAdapter(() -> {
                    throw cause;
                }));

        assertEquals("AI_SERVICE_URL must be http or https", refused.getMessage());
        assertSame(cause, refused.getCause());
        assertEquals("fine", Environment.validatedByAdapter(() -> "fine"));
    }

    @Test
    void aSettingsRefusalIsWordedInTheVariables_wholeNamesOnly() {
        Map<String, String> names = Map.of("lockTtl", "PROCESSING_LOCK_TTL (4 s)", "window", "WINDOW_MS ($1)");

        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> Environment.validatedBy(
                () -> {
                    throw new IllegalArgumentException("window must be at most half of lockTtl, not lockTtlMax");
                }, names));

        assertEquals("WINDOW_MS ($1) must be at most half of PROCESSING_LOCK_TTL (4 s), not lockTtlMax",
                refused.getMessage());
        assertEquals(3, Environment.validatedBy(() -> 3, names));
    }

    private static Environment env(Map<String, String> variables) {
        return new Environment(variables);
    }

    private static void assertRefused(String expected, Executable read) {
        assertEquals(expected, assertThrows(ConfigurationException.class, read).getMessage());
    }
}
