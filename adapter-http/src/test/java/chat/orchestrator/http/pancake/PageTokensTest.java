package chat.orchestrator.http.pancake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.orchestrator.core.domain.PageId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokensTest {

    @Test
    void pairsAreSplitAtTheFirstColon_withSpacesAroundThemIgnored() {
        assertEquals(Map.of("105230123456789", "tok:with:colons", "17841400000000001", "ig"),
                PageTokens.parse(" 105230123456789:tok:with:colons , 17841400000000001:ig "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "page-without-token", ":token", "page:", "a:1,,b:2", "a:1,a:2", "a:to ken"})
    void aMalformedList_isRefusedNamingTheVariable(String list) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PageTokens.parse(list));

        assertEquals(true, refused.getMessage().startsWith("PANCAKE_PAGE_ACCESS_TOKENS"), refused.getMessage());
    }

    @Test
    void theSimplePairAndTheListCombine_andTheDefaultPageIsTheSimplePairs() {
        PageTokens pages = PageTokens.of(Optional.of("105230123456789"), Optional.of("fb-token"), Map.of("999", "t-999"));

        assertEquals(List.of("105230123456789", "999"), pages.pages());
        assertEquals(Optional.of("fb-token"), pages.tokenFor(new PageId("105230123456789")));
        assertEquals(Optional.of(new PageId("105230123456789")), pages.pageFor(Optional.empty()));
        assertEquals(Optional.of(new PageId("999")), pages.pageFor(Optional.of(new PageId("999"))));
        assertFalse(pages.toString().contains("fb-token") || pages.toString().contains("t-999"), pages.toString());
    }

    @Test
    void onePageWithTwoDifferentTokens_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PageTokens.of(Optional.of("999"), Optional.of("one"), Map.of("999", "two")));

        assertEquals("page 999 has one token in PANCAKE_PAGE_ACCESS_TOKEN and another in PANCAKE_PAGE_ACCESS_TOKENS",
                refused.getMessage());
    }
}
