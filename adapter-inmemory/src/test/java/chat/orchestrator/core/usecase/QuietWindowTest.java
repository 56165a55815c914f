package chat.orchestrator.core.usecase;

import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.Scheduler;
import chat.orchestrator.core.port.StatePort;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Consolidation waits until a whole window passes with nothing new pending, however many windows that takes, up to
 * its bound. The customer types through a state store that accepts their next message each time the window looks.
 */
class QuietWindowTest {
    private static final Duration WINDOW = Duration.ofMillis(2);

    private final WorkerRig rig = new WorkerRig();
    private final ConversationId conversation = newConversation();
    private final AtomicInteger looks = new AtomicInteger();

    @Test
    void aCustomerWhoKeepsTyping_isWaitedFor_untilAWindowPassesQuietly() throws Exception {
        // Three more messages, one per look, then nothing: quiet only at the fifth look.
        QuietWindow window = new QuietWindow(typing(3), Scheduler.system(), WINDOW, Duration.ofSeconds(1));

        window.await(conversation);

        assertEquals(5, looks.get(), "one look before, one per message that came, one that found it quiet");
        assertEquals(3, rig.state.pendingIds(conversation).size());
    }

    @Test
    void eachLookAfterTheFirst_comesOneWindowLater() throws Exception {
        List<Duration> waited = new CopyOnWriteArrayList<>();
        QuietWindow window = new QuietWindow(typing(2), new WaitsRecorded(Scheduler.system(), waited), WINDOW,
                Duration.ofSeconds(1));

        window.await(conversation);

        assertEquals(4, looks.get());
        assertEquals(List.of(WINDOW, WINDOW, WINDOW), waited, "a window's wait before each look but the first");
    }

    @Test
    void aCustomerWhoNeverStops_isAnsweredAtTheBound() throws Exception {
        // The bound is five windows: the wait gives up after five looks that each found something new.
        QuietWindow window = new QuietWindow(typing(Integer.MAX_VALUE), Scheduler.system(), WINDOW, WINDOW.multipliedBy(5));

        window.await(conversation);

        assertEquals(6, looks.get(), "one look before and one per window, five windows");
    }

    @Test
    void aBoundShorterThanTheWindow_stillWaitsOneWindow() throws Exception {
        QuietWindow window = new QuietWindow(typing(Integer.MAX_VALUE), Scheduler.system(), Duration.ofMillis(3), Duration.ofMillis(3));

        window.await(conversation);

        assertEquals(2, looks.get());
    }

    @Test
    void aWindowOfZero_doesNotWaitOrLook() throws Exception {
        QuietWindow window = new QuietWindow(typing(Integer.MAX_VALUE), Scheduler.system(), Duration.ZERO, Duration.ofSeconds(1));

        window.await(conversation);

        assertEquals(0, looks.get());
    }

    /** The JDK's scheduler, noting each sleep it is asked for. */
    private record WaitsRecorded(Scheduler scheduler, List<Duration> sleeps) implements Scheduler {
        public java.time.Clock clock() {
            return scheduler.clock();
        }

        public long nanoTime() {
            return scheduler.nanoTime();
        }

        public java.util.random.RandomGenerator random() {
            return scheduler.random();
        }

        public void sleep(Duration duration) throws InterruptedException {
            sleeps.add(duration);
            scheduler.sleep(duration);
        }

        public java.util.concurrent.ExecutorService threadPerTask(String name) {
            return scheduler.threadPerTask(name);
        }

        public <T> java.util.concurrent.Future<T> start(String name, java.util.concurrent.Callable<T> task) {
            return scheduler.start(name, task);
        }

        public <T> T await(java.util.concurrent.Future<T> future, Duration timeout)
                throws InterruptedException, java.util.concurrent.ExecutionException,
                java.util.concurrent.TimeoutException {
            return scheduler.await(future, timeout);
        }

        public Repeating repeat(String name, Duration interval, Runnable task) {
            return scheduler.repeat(name, interval, task);
        }
    }

    /** The rig's state, whose customer sends one more message at each of the first {@code messages} later looks. */
    private StatePort typing(int messages) {
        StatePort real = rig.state;
        Object proxy = Proxy.newProxyInstance(StatePort.class.getClassLoader(), new Class<?>[] {StatePort.class},
                (self, method, args) -> {
                    if (method.getName().equals("pendingIds")) {
                        int look = looks.incrementAndGet();
                        if (look > 1 && look - 1 <= messages) {
                            rig.arrive(message(conversation, "m" + look, look, "part " + look));
                        }
                        Set<MessageId> ids = real.pendingIds(conversation);
                        return ids;
                    }
                    return method.invoke(real, args);
                });
        return (StatePort) proxy;
    }
}
