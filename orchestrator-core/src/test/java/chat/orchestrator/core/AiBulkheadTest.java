package chat.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationContext;
import chat.orchestrator.core.port.AiPort;
import chat.orchestrator.core.port.AiUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AiBulkheadTest {
    private static ConversationContext context() {
        return new ConversationContext(TestMessages.newConversation(), List.of(),
                List.of(TestMessages.message(TestMessages.newConversation(), "m1", 0, "xin chào")));
    }

    /** An AI that counts calls in flight and remembers the most it saw at once. */
    private static final class CountingAi implements AiPort {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public AiReply answer(ConversationContext context) {
            int now = inFlight.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            calls.incrementAndGet();
            try {
                Thread.yield();
                return TestMessages.reply("Dạ");
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @Test
    void manyConversationsAtOnce_neverMoreCallsInFlightThanTheLimit_andEveryoneIsAnswered() throws Exception {
        CountingAi ai = new CountingAi();
        AiBulkhead bulkhead = new AiBulkhead(ai, 4, Duration.ofSeconds(30));
        int callers = 2_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            List<Future<AiReply>> replies = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                replies.add(pool.submit(() -> bulkhead.answer(context())));
            }
            for (Future<AiReply> reply : replies) {
                assertEquals("Dạ", reply.get(60, TimeUnit.SECONDS).text());
            }
        }
        assertEquals(callers, ai.calls.get());
        assertTrue(ai.mostAtOnce.get() <= 4, "at most 4 calls at once, saw " + ai.mostAtOnce.get());
    }

    /** An AI whose calls wait until released, counting them. */
    private static final class HeldAi implements AiPort {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public AiReply answer(ConversationContext context) {
            calls.incrementAndGet();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestMessages.reply("Dạ");
        }

        /** Starts one call through {@code bulkhead} that takes its only slot, and waits until it is in the AI. */
        Thread holdTheSlot(AiBulkhead bulkhead) throws InterruptedException {
            Thread holder = Thread.ofVirtual().start(() -> bulkhead.answer(context()));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            return holder;
        }
    }

    @Test
    void aCallerThatFindsEverySlotBusyPastTheWait_failsAsAnUnavailableAi_andTheAiIsNotCalled() throws Exception {
        HeldAi ai = new HeldAi();
        AiBulkhead bulkhead = new AiBulkhead(ai, 1, Duration.ofMillis(50));
        Thread holder = ai.holdTheSlot(bulkhead);

        AiUnavailableException busy = assertThrows(AiUnavailableException.class, () -> bulkhead.answer(context()));

        assertTrue(busy.getMessage().contains("busy"), busy.getMessage());
        assertEquals(1, ai.calls.get());
        ai.release.countDown();
        holder.join(10_000);
        assertEquals("Dạ", bulkhead.answer(context()).text(), "the slot is free again once the call ends");
    }

    @Test
    void aWaitingCallerInterrupted_failsAtOnceAndKeepsItsInterruptFlag() throws Exception {
        HeldAi ai = new HeldAi();
        AiBulkhead bulkhead = new AiBulkhead(ai, 1, Duration.ofMinutes(5));
        Thread holder = ai.holdTheSlot(bulkhead);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                bulkhead.answer(context());
            } catch (AiUnavailableException e) {
                failure.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bulkhead.waiting() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, bulkhead.waiting());

        waiter.interrupt();
        waiter.join(10_000);

        assertTrue(failure.get() instanceof AiUnavailableException);
        assertTrue(flag.get());
        assertEquals(1, ai.calls.get(), "the interrupted caller never reached the AI");
        ai.release.countDown();
        holder.join(10_000);
    }
}
