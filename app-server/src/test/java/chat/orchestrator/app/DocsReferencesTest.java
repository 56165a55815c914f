package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs and the comments point at things that exist, inside the repository: every relative link of README.md and
 * docs/*.md reaches a file (and a heading, when it names one), every repository path a doc names in backticks exists,
 * every section, step and invariant of docs/design.md or docs/architecture.md that a comment cites is there, and no
 * file reads or cites anything beside the repository (a clone with nothing beside it must build, test and make sense).
 */
class DocsReferencesTest {
    private static final Path ROOT = repositoryRoot();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE = Pattern.compile("`([^`\\s]+)`");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");
    /** Documents only the team's copy has: never cited (docs/ says what they said). */
    private static final Pattern TEAM_DOCUMENTS = Pattern.compile(
            "\\b(?:SPEC|DESIGN|STYLE)\\.md\\b|\\b(?:SPEC|DESIGN)\\b(?!_)");
    /** A relative path that climbs: "../x" in any text, or Path.of("..", "x") in Java (from its module's folder). */
    private static final Pattern CLIMB = Pattern.compile(
            "((?:\\.\\./)+)[\\w.-]+|Path\\.of\\(((?:\"\\.\\.\",\\s*)+)\"[\\w.-]+\"");
    private static final Pattern CITED = Pattern.compile(
            "(docs/(?:design|architecture)\\.md),(?: \"([^\"]+)\",)? (steps?|invariants?) (\\d+)(?: (to|and) (\\d+))?"
                    + "|(docs/(?:design|architecture)\\.md),? \"([^\"]+)\"");

    @Test
    void everyRelativeLinkOfTheDocsReachesAFileAndItsHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            String text = FENCE.matcher(Files.readString(doc)).replaceAll("");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...: not a file of the repository
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : "";
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(ROOT.relativize(doc) + ": (" + target + ") reaches no file of the repository");
                } else if (!anchor.isEmpty() && resolved.toString().endsWith(".md")
                        && !anchors(Files.readString(resolved)).contains(anchor)) {
                    broken.add(ROOT.relativize(doc) + ": (" + target + ") names no heading of " + ROOT.relativize(resolved));
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void everyRepositoryPathTheDocsNameInBackticksExists() throws IOException {
        Set<String> topLevel = new TreeSet<>();
        try (Stream<Path> entries = Files.list(ROOT)) {
            entries.map(p -> p.getFileName().toString()).forEach(topLevel::add);
        }
        List<String> missing = new ArrayList<>();
        for (Path doc : docs()) {
            for (String path : repositoryPaths(Files.readString(doc), topLevel)) {
                if (!Files.exists(ROOT.resolve(path))) {
                    missing.add(ROOT.relativize(doc) + ": `" + path + "`");
                }
            }
        }
        assertEquals(List.of(), missing, "paths the docs name that the repository does not have");
    }

    @Test
    void repositoryPaths_areTheBacktickedOnesUnderATopLevelEntry() {
        Set<String> topLevel = Set.of("docs", "app-server", ".ci");
        assertEquals(List.of("docs/api.md", "app-server/src/test/browser", ".ci/run"), repositoryPaths(
                "`docs/api.md`, `app-server/src/test/browser`, `.ci/run`, `/api/v1/chat`, `src/main/x.sql`, "
                        + "`app-server/.../PackagedServerIT`, `app-server/target/app-server.jar`, `docs/{id}.md`, "
                        + "`redis://redis:6379/0`, `docs`", topLevel));
    }

    @Test
    void nothingReadsOrCitesAFileBesideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : sources()) {
            String text;
            try {
                text = Files.readString(file);
            } catch (MalformedInputException binary) {
                continue;
            }
            outside(file, text).forEach(hit -> found.add(ROOT.relativize(file) + ":" + hit));
        }
        assertEquals(List.of(), found, "references to files outside the repository; cite docs/ instead");
    }

    @Test
    void theOutsideCheck_findsWhatItMustAndSparesTheRest() {
        Path test = ROOT.resolve("app-server/src/test/java/X.java");
        Path doc = ROOT.resolve("docs/x.md");
        for (String bad : List.of("Path.of(\"..\", \"..\", \"beside\", \"fixtures\")",
                "(SPEC lifecycle, steps 2 to 8)", "DESIGN \"The worker loop\"", "STYLE.md")) {
            assertFalse(outside(test, bad).isEmpty(), bad);
        }
        assertFalse(outside(doc, "see ../../beside/x.json").isEmpty(), "a link that climbs out of the repository");
        for (String fine : List.of("INSPECT", "SecretKeySpec", "a shared secret", "docs/design.md", "SPEC_VERSION",
                "Path.of(\"..\", \"docs\")")) {
            assertTrue(outside(test, fine).isEmpty(), fine);
        }
        assertTrue(outside(doc, "[README](../README.md)").isEmpty(), "a link within the repository");
    }

    /** What {@code text}, read from {@code file}, cites beside the repository: "line: what" for each. */
    private static List<String> outside(Path file, String text) {
        List<String> hits = new ArrayList<>();
        Matcher team = TEAM_DOCUMENTS.matcher(text);
        while (team.find()) {
            hits.add(line(text, team.start()) + ": " + team.group());
        }
        Matcher climb = CLIMB.matcher(text);
        while (climb.find()) {
            boolean java = climb.group(2) != null;
            int levels = java ? climb.group(2).split(",").length - 1 : climb.group(1).length() / 3;
            // Java paths are relative to the module's folder, where its tests run; others to the file's own folder.
            Path from = java ? ROOT.resolve(ROOT.relativize(file).getName(0)) : file.getParent();
            Path reached = from;
            for (int i = 0; i < levels && reached != null; i++) {
                reached = reached.getParent();
            }
            if (reached == null || !reached.normalize().startsWith(ROOT)) {
                hits.add(line(text, climb.start()) + ": " + climb.group());
            }
        }
        return hits;
    }

    private static int line(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    @Test
    void everyStepInvariantAndSectionACommentCitesIsInTheDocItNames() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : sources()) {
            String name = file.getFileName().toString();
            if (!name.endsWith(".java") && !name.endsWith(".lua")) {
                continue;
            }
            // A comment's lines joined, so that a citation broken over two lines reads as one.
            String text = Files.readString(file).replaceAll("\\s*\\n\\s*(?:\\*|--|//)?\\s*", " ");
            Matcher m = CITED.matcher(text);
            while (m.find()) {
                String problem = m.group(1) != null
                        ? citedNumbers(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6))
                        : citedSection(m.group(7), m.group(8));
                if (!problem.isEmpty()) {
                    wrong.add(ROOT.relativize(file) + ": " + m.group() + ": " + problem);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theCitationCheck_refusesAStepTheLifecycleDoesNotHave() throws IOException {
        assertEquals("", citedNumbers("docs/design.md", "The life of one message", "steps", "2", "to", "8"));
        assertFalse(citedNumbers("docs/design.md", "The life of one message", "steps", "2", "to", "42").isEmpty());
        assertFalse(citedNumbers("docs/design.md", null, "steps", "3", "and", "42").isEmpty());
        assertFalse(citedNumbers("docs/design.md", null, "invariant", "99", null, null).isEmpty());
        assertFalse(citedSection("docs/architecture.md", "A section nobody wrote").isEmpty());
    }

    /**
     * Empty when the doc's section (the lifecycle by default, or the invariants) has the numbered items cited: one,
     * {@code from} to {@code to}, or {@code from} and {@code to}.
     */
    private static String citedNumbers(String doc, String section, String kind, String from, String connector,
                                       String to) throws IOException {
        String text = Files.readString(ROOT.resolve(doc));
        String heading = section != null ? section : kind.startsWith("invariant") ? "Invariants" : "The life of one message";
        String body = section(text, heading);
        if (body == null) {
            return "no section \"" + heading + "\" in " + doc;
        }
        int first = Integer.parseInt(from);
        int last = to == null ? first : Integer.parseInt(to);
        for (int n = first; n <= last; n++) {
            if ("and".equals(connector) && n != first && n != last) {
                continue;
            }
            if (!Pattern.compile("(?m)^" + n + "\\. ").matcher(body).find()) {
                return "\"" + heading + "\" of " + doc + " has no item " + n;
            }
        }
        return "";
    }

    private static String citedSection(String doc, String section) throws IOException {
        return section(Files.readString(ROOT.resolve(doc)), section) == null ? "no heading \"" + section + "\" in " + doc
                : "";
    }

    /** The text under the first heading that contains {@code title}, up to the next heading; null when none does. */
    private static String section(String markdown, String title) {
        Matcher heading = Pattern.compile("(?m)^#+ .*" + Pattern.quote(title) + ".*$").matcher(markdown);
        if (!heading.find()) {
            return null;
        }
        Matcher next = Pattern.compile("(?m)^#+ ").matcher(markdown);
        int end = next.find(heading.end()) ? next.start() : markdown.length();
        return markdown.substring(heading.end(), end);
    }

    /** The backticked paths of a doc that start with an entry of the repository's root: those must exist. */
    static List<String> repositoryPaths(String markdown, Set<String> topLevel) {
        List<String> paths = new ArrayList<>();
        Matcher m = CODE.matcher(markdown);
        while (m.find()) {
            String path = m.group(1).replaceAll("[.,:;]$", "");
            boolean pathLike = path.contains("/") && !path.contains("...") && !path.contains("…")
                    && path.matches("[A-Za-z0-9._/-]+") && !path.contains("//");
            if (pathLike && topLevel.contains(path.substring(0, path.indexOf('/')))
                    && !Pattern.compile("(^|/)(target|node_modules)(/|$)").matcher(path).find()) {
                paths.add(path);
            }
        }
        return paths;
    }

    /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#+ (.+)$").matcher(FENCE.matcher(markdown).replaceAll(""));
        while (m.find()) {
            anchors.add(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** The repository's own text files: sources, docs, scripts, build files; no build output or fetched packages. */
    private static List<Path> sources() throws IOException {
        Set<String> skipped = Set.of(".git", "target", "node_modules");
        Pattern text = Pattern.compile(".*\\.(java|lua|md|sh|xml|yml|yaml|json|mjs|js|sql|conf|properties|example)$"
                + "|.*/(build|serve|run|mvnw|Dockerfile|\\.gitignore|\\.dockerignore)$");
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> ROOT.relativize(p).toString().isEmpty()
                            || Stream.of(ROOT.relativize(p).toString().split("/")).noneMatch(skipped::contains))
                    .filter(p -> text.matcher(p.toString()).matches() || p.getParent().endsWith(".ci"))
                    // This test spells out what it looks for.
                    .filter(p -> !p.getFileName().toString().equals(DocsReferencesTest.class.getSimpleName() + ".java"))
                    .sorted().toList();
        }
    }

    /** The directory holding the pom.xml that lists the modules, found by walking up from the module's directory. */
    static Path repositoryRoot() {
        try {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path pom = dir.resolve("pom.xml");
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>")) {
                    return dir;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no pom.xml with <module> entries above " + Path.of("").toAbsolutePath());
    }
}
