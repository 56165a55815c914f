package chat.orchestrator.http.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestIdTest {
    private static final String UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void aPlainIdIsKept() {
        for (String id : List.of("req-42", "01HZX3K9Q7", "trace:abc.def/1+2=3@x", "a".repeat(128))) {
            assertEquals(id, RequestId.keepOrCreate(Optional.of(id)));
        }
    }

    @Test
    void anAbsentOrHostileIdIsReplacedByAFreshUuid() {
        for (String hostile : List.of("", "a".repeat(129), "two words", "quote\"d", "line\nbreak", "tab\tx",
                "bidi\u202eevil", "ünïcode", "{\"json\":1}")) {
            String replaced = RequestId.keepOrCreate(Optional.of(hostile));
            assertTrue(replaced.matches(UUID_SHAPE), hostile + " -> " + replaced);
        }
        String fresh = RequestId.keepOrCreate(Optional.empty());
        assertTrue(fresh.matches(UUID_SHAPE));
        assertNotEquals(fresh, RequestId.keepOrCreate(Optional.empty()), "each request gets its own");
    }
}
