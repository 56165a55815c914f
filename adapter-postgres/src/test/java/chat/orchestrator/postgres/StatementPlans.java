package chat.orchestrator.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jooq.impl.DSL;

/**
 * The statements a test database's sessions run, each with the plan PostgreSQL ran it by, as the server's own
 * {@code auto_explain} module logs them: what the adapter really sent, script by script split into statements as the
 * server parsed them, whatever code path sent it. Only a database {@link #enable}d logs plans, so the server's log
 * (EmbeddedPostgresServer#log) holds no other test's.
 */
final class StatementPlans {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The line that opens an auto_explain entry; the JSON plan follows on lines the server indents with a tab. */
    private static final Pattern PLAN_HEADER = Pattern.compile(".* LOG:  duration: [0-9.]+ ms  plan:$");
    /**
     * The tests' clock (EmbeddedPostgresServer#createTestClock) stands in for {@code now()}; the planner runs it ahead
     * for its estimates, and each run is logged as a statement of its own. It is not the adapter's.
     */
    private static final String TEST_CLOCK = "test_clock.";

    private StatementPlans() {
    }

    /**
     * Every session opened on {@code database} from now on logs the plan of each statement it runs (VERBOSE, so
     * every column in a condition is qualified by its table's alias). Before its pool opens: sessions already open
     * keep their settings.
     */
    static void enable(TestDatabase database) {
        var maintenance = EmbeddedPostgresServer.maintenance();
        var name = DSL.name(database.name());
        maintenance.execute("ALTER DATABASE {0} SET session_preload_libraries = 'auto_explain'", name);
        maintenance.execute("ALTER DATABASE {0} SET auto_explain.log_min_duration = 0", name);
        maintenance.execute("ALTER DATABASE {0} SET auto_explain.log_format = 'json'", name);
        maintenance.execute("ALTER DATABASE {0} SET auto_explain.log_verbose = on", name);
    }

    /** Where the log ends now: {@link #since} reads what is logged after it. */
    static long mark() {
        try {
            return Files.size(EmbeddedPostgresServer.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The statements logged since {@code mark}, in the order they ran. A backend logs a plan before the client gets
     * the statement's result, so a statement that returned is here.
     */
    static List<Statement> since(long mark) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder plan = null;
        for (String line : read(mark).split("\n", -1)) {
            if (plan != null && line.startsWith("\t")) {
                plan.append(line, 1, line.length()).append('\n');
                continue;
            }
            if (plan != null) {
                add(statements, plan);
                plan = null;
            }
            if (PLAN_HEADER.matcher(line).matches()) {
                plan = new StringBuilder();
            }
        }
        if (plan != null) {
            add(statements, plan);
        }
        return statements;
    }

    private static void add(List<Statement> statements, StringBuilder plan) {
        Statement statement = Statement.of(plan.toString());
        if (!statement.text().contains(TEST_CLOCK)) {
            statements.add(statement);
        }
    }

    private static String read(long mark) {
        try (FileChannel log = FileChannel.open(EmbeddedPostgresServer.log(), StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(log.size() - mark));
            while (bytes.hasRemaining()) {
                if (log.read(bytes, mark + bytes.position()) < 0) {
                    break;
                }
            }
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One statement as the server ran it: its text as sent ({@code $n} for each value) and its plan's root node. */
    record Statement(String text, JsonNode plan) {
        static Statement of(String json) {
            try {
                JsonNode entry = JSON.readTree(json);
                return new Statement(entry.path("Query Text").asText(), entry.path("Plan"));
            } catch (IOException e) {
                throw new UncheckedIOException("not an auto_explain plan: " + json, e);
            }
        }

        /** The text lower-cased, without quotes around names and with each run of white space one space. */
        String normalized() {
            return text.toLowerCase(Locale.ROOT).replace("\"", "").replaceAll("\\s+", " ").strip();
        }

        /** The start of {@link #normalized}, to name the statement in a message. */
        String shortText() {
            String normalized = normalized();
            return normalized.length() <= 110 ? normalized : normalized.substring(0, 107) + "...";
        }
    }
}
