package chat.orchestrator.app.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Customers in bursts: each conversation sends 1 to 4 messages a few hundred milliseconds apart, then is quiet for a
 * few seconds, again and again. Two conversations in three come through the Pancake webhook, one in three through
 * the synchronous endpoint. Like Pancake, the sender retries a message until some instance answers 2xx (another
 * instance each time), and re-sends a share of messages to another instance even after a 2xx (webhooks 25 %,
 * synchronous 10 %), a little later. Every message remembers the phase it was first sent in and whether any
 * instance accepted it with a 2xx.
 */
final class Traffic implements AutoCloseable {
    enum Channel { WEBHOOK, SYNC }

    /** One customer message, as the sender knows it. */
    static final class Message {
        final String conversationId;
        final String messageId;
        final Channel channel;
        final String phase;
        final Instant firstSent;
        volatile boolean accepted;
        final AtomicInteger attempts = new AtomicInteger();
        /**
         * A message of the same conversation that was accepted before this one was first sent, set by a phase that
         * knows it: no answer covering this one may reach Pancake before one covering that one (the audit checks).
         */
        volatile Message answerAfter;

        Message(String conversationId, String messageId, Channel channel, String phase, Instant firstSent) {
            this.conversationId = conversationId;
            this.messageId = messageId;
            this.channel = channel;
            this.phase = phase;
            this.firstSent = firstSent;
        }
    }

    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(150);

    private final ServerInstances instances;
    private final Timeline timeline;
    private final FaultScale scale;
    private final ObjectNode webhookTemplate;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger extra = new AtomicInteger();
    private final List<Thread> conversations = new ArrayList<>();
    private volatile boolean running;

    Traffic(ServerInstances instances, Timeline timeline, FaultScale scale, String webhookFixture) throws IOException {
        this.instances = instances;
        this.timeline = timeline;
        this.scale = scale;
        this.webhookTemplate = (ObjectNode) json.readTree(webhookFixture);
    }

    void start() {
        running = true;
        for (int c = 0; c < scale.conversations(); c++) {
            Channel channel = c % 3 == 0 ? Channel.SYNC : Channel.WEBHOOK;
            String conversation = (channel == Channel.SYNC ? "fs-" : "105230123456789_fw") + c;
            conversations.add(Thread.ofVirtual().name("customer-" + c).start(() -> converse(conversation, channel)));
        }
    }

    /** No new bursts; messages already sent are still retried until accepted. */
    void stopNewMessages() throws InterruptedException {
        running = false;
        for (Thread conversation : conversations) {
            conversation.join();
        }
    }

    /** Waits until no send or re-send is still being tried; true if that happened in time. */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return inFlight.get() == 0;
    }

    List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Non-2xx answers and failed connections, per phase. */
    Map<String, Long> refusalsByPhase() {
        Map<String, Long> copy = new ConcurrentHashMap<>();
        refusals.forEach((phase, count) -> copy.put(phase, count.sum()));
        return copy;
    }

    /** One message more in {@code conversation} right now, besides its bursts (a fault wants it busy). */
    void sendOneMore(String conversation) {
        Channel channel = conversation.startsWith("fs-") ? Channel.SYNC : Channel.WEBHOOK;
        emit(conversation, conversation + "-x" + extra.incrementAndGet(), channel);
    }

    /**
     * One message in {@code conversation} through the webhook, outside the bursts, sent and retried in the calling
     * thread until some instance accepts it (a 2xx) or the sender gives up; no re-send, so a phase knows exactly what
     * the instances got and when. The message counts in the audit like any other.
     */
    Message sendNow(String conversation, String messageId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message message = new Message(conversation, messageId, Channel.WEBHOOK, timeline.current(), now);
        messages.add(message);
        inFlight.incrementAndGet();
        send(message, webhookBody(message, now), false);
        return message;
    }

    private void converse(String conversation, Channel channel) {
        int sequence = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            sleep(random.nextLong(scale.idleMin().toMillis(), scale.idleMax().toMillis()));
            int burst = random.nextInt(1, 5);
            for (int i = 0; i < burst && running; i++) {
                emit(conversation, conversation + "-m" + sequence++, channel);
                sleep(random.nextLong(100, 400));
            }
        }
    }

    private void emit(String conversation, String messageId, Channel channel) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message message = new Message(conversation, messageId, channel, timeline.current(), now);
        messages.add(message);
        String body = channel == Channel.SYNC ? syncBody(message, now) : webhookBody(message, now);
        inFlight.incrementAndGet();
        Thread.ofVirtual().start(() -> send(message, body, false));
        boolean resend = ThreadLocalRandom.current().nextInt(100) < (channel == Channel.WEBHOOK ? 25 : 10);
        if (resend) {
            inFlight.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                sleep(ThreadLocalRandom.current().nextLong(200, 3_000));
                send(message, body, true);
            });
        }
    }

    /** Until some instance answers 2xx, each attempt to another live instance than the last. */
    private void send(Message message, String body, boolean resend) {
        try {
            long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
            int last = -1;
            while (System.nanoTime() < giveUp) {
                int instance = instances.pick(last);
                last = instance;
                message.attempts.incrementAndGet();
                if (attempt(message, body, instance)) {
                    message.accepted = true;
                    return;
                }
                refusals.computeIfAbsent(timeline.current(), p -> new LongAdder()).increment();
                sleep(ThreadLocalRandom.current().nextLong(300, 1_000));
            }
            if (!resend) {
                Timeline.log("gave up on message " + message.messageId + " after " + message.attempts + " attempts");
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private boolean attempt(Message message, String body, int instance) {
        String path = message.channel == Channel.SYNC ? "/api/v1/enhanced-handle-message" : "/api/v1/pancake/webhook";
        HttpRequest request = HttpRequest.newBuilder(URI.create(instances.base(instance) + path))
                .timeout(message.channel == Channel.SYNC ? Duration.ofSeconds(40) : Duration.ofSeconds(10))
                .header("Authorization", "Bearer message-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300;
        } catch (IOException refusedOrTimedOut) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String syncBody(Message message, Instant at) {
        ObjectNode body = json.createObjectNode()
                .put("conversation_id", message.conversationId)
                .put("message_id", message.messageId)
                .put("message_content", "Cho mình hỏi lịch khám (" + message.messageId + ")")
                .put("sender_id", "user-" + message.conversationId)
                .put("sender_type", "user")
                .put("timestamp", at.toEpochMilli() / 1000.0);
        body.putObject("metadata").put("platform", "web");
        return body.toString();
    }

    private String webhookBody(Message message, Instant at) {
        ObjectNode body = webhookTemplate.deepCopy();
        ObjectNode data = (ObjectNode) body.get("data");
        ((ObjectNode) data.get("conversation")).put("id", message.conversationId);
        ((ObjectNode) data.get("message")).put("id", message.messageId)
                .put("message", "Còn lịch sáng thứ Hai không ạ? (" + message.messageId + ")")
                .put("created_at", LocalDateTime.ofInstant(at, ZoneOffset.UTC).toString());
        return body.toString();
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        client.close();
    }
}
