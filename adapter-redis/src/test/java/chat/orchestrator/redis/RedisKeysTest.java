package chat.orchestrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.util.JedisClusterCRC16;

class RedisKeysTest {
    private final RedisKeys keys = new RedisKeys("orchestrator");

    @ParameterizedTest
    @ValueSource(strings = {"conv_12345", "a{b}c", "{}", "}{", "{conv}", "x{", "}", "Zalo 🙏 {khách}", "a:b:{c}:d"})
    void everyKeyOfAConversationHashesToOneSlotWhateverBracesItsIdHas(String id) {
        RedisKeys.ConversationKeys key = keys.conversation(ConversationId.of(id));

        Set<Integer> slots = List.of(key.lock(), key.fence(), key.seen(), key.pending(), key.bodies(), key.summary())
                .stream().map(JedisClusterCRC16::getSlot).collect(Collectors.toSet());

        assertEquals(1, slots.size(), "keys of '" + id + "' span slots " + slots);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a{b}c", "{}", "}{", "x{"})
    void theHashTagHoldsNoBraceOfTheId(String id) {
        String lock = keys.conversation(ConversationId.of(id)).lock();
        String tag = lock.substring(lock.indexOf('{') + 1, lock.indexOf('}'));

        assertTrue(tag.chars().noneMatch(c -> c == '{' || c == '}'), tag);
        assertTrue(lock.endsWith("}:lock"), lock);
    }

    @org.junit.jupiter.api.Test
    void conversationsWhoseIdsDifferOnlyInBracesGetDifferentKeys() {
        assertNotEquals(keys.conversation(ConversationId.of("{a}")).lock(),
                keys.conversation(ConversationId.of("a")).lock());
        assertNotEquals(keys.conversation(ConversationId.of("a}")).lock(),
                keys.conversation(ConversationId.of("a")).lock());
    }
}
