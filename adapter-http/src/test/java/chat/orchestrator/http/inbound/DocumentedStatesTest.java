package chat.orchestrator.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.orchestrator.core.MessageHandler;
import chat.orchestrator.core.domain.Action;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.domain.Handoff;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.port.DeliveryState;
import chat.orchestrator.http.ai.Fixtures;
import chat.orchestrator.inmemory.RuleBasedResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every state the code can answer is documented, in docs/api.md and in openapi.yaml. The states come from the code,
 * not from a list here: every subtype of {@link MessageOutcome} (a new one fails this test until it is documented),
 * every {@link DeliveryState} and every action status of {@link DeliveryReport.Status}. Each is sent through the real
 * server, so its wire name is the one a client reads, and the answer is validated against openapi.yaml.
 */
class DocumentedStatesTest {
    private static final String SYNC = "/api/v1/enhanced-handle-message";
    private static final AtomicReference<MessageOutcome> NEXT = new AtomicReference<>();
    private static final OpenApiDocument OPENAPI = OpenApiDocument.fromClasspath();
    private static RunningApi api;

    @BeforeAll
    static void start() {
        api = new RunningApi(new RuleBasedResponder(), (MessageHandler) message -> NEXT.get());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void everySynchronousOutcome_isInTheEndpointsSectionOfApiMd_andItsReadmeRow_andConformsToOpenApi() throws Exception {
        String section = section(apiMd(), "## `POST " + SYNC + "`");
        String readmeRow = Files.readAllLines(repositoryRoot().resolve("README.md")).stream()
                .filter(line -> line.startsWith("| `POST " + SYNC + "`")).findFirst()
                .orElseThrow(() -> new AssertionError("README.md's API table has no row for " + SYNC));
        Set<String> undocumented = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (MessageOutcome outcome : everyOutcome()) {
            RunningApi.Reply reply = answer(outcome);
            String wireName = reply.status() == 200 ? reply.json().at("/result/status").asText()
                    : reply.json().at("/error/code").asText();
            assertTrue(!wireName.isEmpty(), outcome + " answered no status or code: " + reply.json());
            seen.add(wireName);
            String where = (section.contains("`" + wireName + "`") ? "" : " docs/api.md")
                    + (readmeRow.contains("`" + wireName + "`") ? "" : " README.md");
            if (!where.isEmpty()) {
                undocumented.add(wireName + " (" + outcome.getClass().getSimpleName() + ", HTTP " + reply.status()
                        + ", missing in" + where + ")");
            }
        }
        assertEquals(Set.of(), undocumented, "outcomes of " + SYNC + " that docs/api.md's section of it or README.md's"
                + " API table does not name");
        assertTrue(seen.containsAll(Set.of("completed", "locked")), "the outcomes were really sent: " + seen);
    }

    @Test
    void everyActionStatus_isInApiMd_andConformsToOpenApi() throws Exception {
        String apiMd = apiMd();
        Set<String> undocumented = new TreeSet<>();
        for (DeliveryReport.Status status : DeliveryReport.Status.values()) {
            DeliveryReport report = new DeliveryReport(List.of(new DeliveryReport.ActionDelivery(0,
                    new Action.SendMessage("xin chào").type(), status, 1, "")));
            JsonNode pancakeResult = answer(completed(report)).json().at("/result/pancake_result");
            String wireName = pancakeResult.at("/actions/0/status").asText();
            assertEquals(status.name().toLowerCase(Locale.ROOT), wireName, "the action status as served");
            for (String name : List.of(wireName, pancakeResult.at("/status").asText())) {
                if (!apiMd.contains("`" + name + "`")) {
                    undocumented.add(name);
                }
            }
        }
        assertEquals(Set.of(), undocumented, "pancake_result statuses that docs/api.md does not name");
    }

    @Test
    void everyDeliveryState_isListedByTheAdminApi_namedInApiMd_andInOpenApi() throws Exception {
        String apiMd = apiMd();
        Set<String> undocumented = new TreeSet<>();
        for (DeliveryState state : DeliveryState.values()) {
            String wireName = state.name().toLowerCase(Locale.ROOT);
            String path = "/api/v1/admin/deliveries?status=" + wireName;
            RunningApi.Reply reply = api.get(path, RunningApi.ADMIN_TOKEN);
            assertEquals(200, reply.status(), state + " cannot be listed by " + path + ": " + reply.json());
            assertEquals(wireName, reply.json().path("status").asText(), "the state as the admin API names it");
            assertEquals(List.of(), OPENAPI.violations("get", path, reply.status(), "application/json", reply.json()),
                    "openapi.yaml on " + path);
            if (!apiMd.contains("`" + wireName + "`")) {
                undocumented.add(wireName);
            }
        }
        assertEquals(Set.of(), undocumented, "delivery states that docs/api.md does not name");
    }

    @Test
    void theChecksCatchAnUndocumentedName() {
        // What the tests above rely on: a name is documented only in backticks, and only in its own section.
        String doc = "## `POST " + SYNC + "`\n- `completed`: fine\n\n## `GET /other`\n- `locked`\n";
        String section = section(doc, "## `POST " + SYNC + "`");
        assertTrue(section.contains("`completed`"));
        assertTrue(!section.contains("`locked`"), section);
        assertTrue(!"completed and locked".contains("`locked`"));
    }

    /** The answer of the synchronous endpoint when the core comes to {@code outcome}; checked against openapi.yaml. */
    private static RunningApi.Reply answer(MessageOutcome outcome) {
        NEXT.set(outcome);
        RunningApi.Reply reply = api.post(SYNC, Fixtures.text("sync-request.json"));
        assertEquals(List.of(), OPENAPI.violations("post", SYNC, reply.status(), "application/json", reply.json()),
                "openapi.yaml on the answer to " + outcome);
        return reply;
    }

    /** One instance of every subtype of MessageOutcome; of those with a boolean, one for each value. */
    private static List<MessageOutcome> everyOutcome() throws ReflectiveOperationException {
        List<MessageOutcome> outcomes = new ArrayList<>();
        for (Class<?> type : MessageOutcome.class.getPermittedSubclasses()) {
            RecordComponent[] components = type.getRecordComponents();
            assertTrue(components != null, type + " is not a record: add how to make one here");
            Constructor<?> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            boolean hasFlag = Arrays.stream(components).anyMatch(c -> c.getType() == boolean.class);
            for (boolean flag : hasFlag ? List.of(true, false) : List.of(true)) {
                Object[] arguments = Arrays.stream(components).map(c -> sample(type, c, flag)).toArray();
                outcomes.add((MessageOutcome) constructor.newInstance(arguments));
            }
        }
        assertTrue(outcomes.size() >= MessageOutcome.class.getPermittedSubclasses().length);
        return outcomes;
    }

    private static Object sample(Class<?> outcome, RecordComponent component, boolean flag) {
        Class<?> type = component.getType();
        AiReply reply = new AiReply("Dạ, em chào anh", "greeting", 0.9, Map.of(), "test-model", Duration.ofMillis(5),
                List.of());
        Map<Class<?>, Object> samples = Map.of(
                MessageId.class, MessageId.of("msg_67890"),
                AiReply.class, reply,
                DeliveryReport.class, DeliveryReport.everyActionDelivered(reply.actions()),
                Handoff.class, Handoff.starting(Instant.parse("2026-11-25T14:40:00Z"), Handoff.By.ADMIN, "by hand"),
                String.class, "a reason",
                int.class, 1,
                Optional.class, Optional.empty(),
                List.class, List.of());
        if (type == boolean.class) {
            return flag;
        }
        Object sample = samples.get(type);
        if (sample == null) {
            fail("no sample of " + type.getName() + " for " + outcome.getSimpleName() + "." + component.getName()
                    + ": add one, so that the new outcome is sent and checked like the others");
        }
        return sample;
    }

    private static MessageOutcome completed(DeliveryReport report) {
        AiReply reply = new AiReply("xin chào", "greeting", 0.9, Map.of(), "test-model", Duration.ZERO, List.of());
        return new MessageOutcome.Completed(MessageId.of("msg_67890"), reply, report, 1);
    }

    /** From the heading (a whole line) to the next heading of the same or a higher level. */
    static String section(String markdown, String heading) {
        int start = markdown.indexOf(heading + "\n");
        assertTrue(start >= 0, "no heading " + heading);
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        var next = Pattern.compile("(?m)^#{1," + (level.length() - 1) + "} ").matcher(markdown);
        int end = next.find(start + heading.length()) ? next.start() : markdown.length();
        return markdown.substring(start, end);
    }

    private static String apiMd() throws IOException {
        return Files.readString(repositoryRoot().resolve("docs").resolve("api.md"));
    }

    /** The directory above the module whose pom.xml lists the modules. */
    static Path repositoryRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml with <module> entries above " + Path.of("").toAbsolutePath());
    }
}
